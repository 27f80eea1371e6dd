package dev.ternary.cli;

import dev.ternary.train.DistillOptions;
import dev.ternary.train.Distiller;
import dev.ternary.train.loop.LoopOptions;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ternary distill}: a ternary student learns from its full-precision teacher. */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Distil a full-precision Hugging Face model (the teacher) into a ternary BitNet b1.58 student:"
                + " the student starts from the teacher's weights and trains through ternary fake quantization on"
                + " alpha*T^2*KL(teacher||student) + (1-alpha)*cross-entropy. Writes OUT/model (ternary, the layout"
                + " of `ternary convert`), OUT/masters (fp32), checkpoints, OUT/metrics.jsonl and OUT/loss.png;"
                + " Ctrl-C checkpoints, --resume continues.")
final class DistillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--teacher", required = true, paramLabel = "DIR", description = "Full-precision model directory.")
    Path teacher;

    @Option(names = "--student", paramLabel = "DIR",
            description = "fp32 masters to start from, e.g. a previous run's OUT/masters (default: the teacher).")
    Path student;

    @Option(names = "--lr", defaultValue = "1e-4", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--warmup-quant-steps", paramLabel = "N",
            description = "Steps over which quantization ramps in, λ = min(step/N, 1) (default: 10% of --steps).")
    Long warmupQuantSteps;

    @Option(names = "--temperature", defaultValue = "" + DistillOptions.DEFAULT_TEMPERATURE,
            description = "Distillation softmax temperature T (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--alpha-kd", defaultValue = "" + DistillOptions.DEFAULT_ALPHA,
            description = "Weight of the KL term; 1 - alpha weights cross-entropy (default: ${DEFAULT-VALUE}).")
    double alphaKd;

    @Mixin
    TrainingLoopArgs loop;

    @Override
    public Integer call() throws Exception {
        long warmup = warmupQuantSteps != null ? warmupQuantSteps : loop.steps / 10;
        LoopOptions options = loop.builder().learningRate(learningRate).warmupQuantSteps(warmup).build();
        DistillOptions distill = new DistillOptions(teacher, Optional.ofNullable(student), loop.data, loop.output,
                temperature, alphaKd, options);
        return TrainingProgress.run(spec.commandLine().getOut(), common.quiet, "Distilling",
                listener -> Distiller.run(distill, listener),
                "the same command with --resume");
    }
}

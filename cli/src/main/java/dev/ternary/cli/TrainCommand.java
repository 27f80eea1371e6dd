package dev.ternary.cli;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.train.TrainOptions;
import dev.ternary.train.Trainer;
import dev.ternary.train.loop.LoopOptions;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ternary train}: a Llama-family model from scratch, dense or ternary (quantization-aware). */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Train a small Llama-family model from scratch on text, dense or ternary (BitNet b1.58"
                + " quantization-aware training). Writes OUT/model (a Hugging Face model directory), checkpoints,"
                + " OUT/metrics.jsonl and OUT/loss.png; Ctrl-C checkpoints, --resume continues.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "Hugging Face config.json (or its directory) giving architecture and shape.")
    Path config;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "tokenizer.json to use (default: the one beside config.json).")
    Path tokenizer;

    @Option(names = "--mode", defaultValue = "ternary", paramLabel = "MODE",
            description = "dense or ternary (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--warmup-quant-steps", defaultValue = "0", paramLabel = "N",
            description = "Steps over which quantization ramps in, λ = min(step/N, 1) (default: ${DEFAULT-VALUE}).")
    long warmupQuantSteps;

    @Mixin
    TrainingLoopArgs loop;

    @Override
    public Integer call() throws Exception {
        boolean ternary = switch (mode.toLowerCase(Locale.ROOT)) {
            case "ternary" -> true;
            case "dense" -> false;
            default -> throw new InvalidInputException("--mode: '" + mode + "' is not one of dense, ternary");
        };
        LoopOptions options = loop.builder().learningRate(learningRate).warmupQuantSteps(warmupQuantSteps).build();
        TrainOptions train = new TrainOptions(config, Optional.ofNullable(tokenizer), loop.data, loop.output, ternary,
                options);
        return TrainingProgress.run(spec.commandLine().getOut(), common.quiet, "Training",
                listener -> Trainer.run(train, listener), "the same command with --resume");
    }
}

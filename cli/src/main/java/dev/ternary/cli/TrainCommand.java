package dev.ternary.cli;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.train.TrainOptions;
import dev.ternary.train.Trainer;
import dev.ternary.train.loop.GracefulStop;
import dev.ternary.train.loop.LoopOptions;
import dev.ternary.train.loop.TrainingListener;
import dev.ternary.train.loop.TrainingReport;
import dev.ternary.train.metrics.EvalMetrics;
import dev.ternary.train.metrics.StepMetrics;
import dev.ternary.train.model.Torch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
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

    @Option(names = "--data", required = true, paramLabel = "PATH",
            description = "Text file, JSONL file ({\"text\": ...} per line) or a directory of them.")
    Path data;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Run directory.")
    Path output;

    @Option(names = "--mode", defaultValue = "ternary", paramLabel = "MODE",
            description = "dense or ternary (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--warmup-quant-steps", defaultValue = "0", paramLabel = "N",
            description = "Steps over which quantization ramps in, λ = min(step/N, 1) (default: ${DEFAULT-VALUE}).")
    long warmupQuantSteps;

    @Mixin
    LoopArgs loop;

    @Override
    public Integer call() throws Exception {
        boolean ternary = switch (mode.toLowerCase(Locale.ROOT)) {
            case "ternary" -> true;
            case "dense" -> false;
            default -> throw new InvalidInputException("--mode: '" + mode + "' is not one of dense, ternary");
        };
        LoopOptions options = loop.builder().learningRate(learningRate).warmupQuantSteps(warmupQuantSteps).build();
        TrainOptions train = new TrainOptions(config, Optional.ofNullable(tokenizer), data, output, ternary, options);
        return Progress.run(spec.commandLine().getOut(), common.quiet, "Training",
                listener -> Trainer.run(train, listener), "the same command with --resume");
    }

    /** Options of the training loop shared by {@code train} and {@code distill}. */
    static final class LoopArgs {
        @Option(names = "--steps", defaultValue = "1000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
        long steps;

        @Option(names = "--batch", defaultValue = "8", description = "Sequences per micro-batch (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--grad-accum", defaultValue = "1", paramLabel = "N",
                description = "Micro-batches per optimizer step (default: ${DEFAULT-VALUE}).")
        int gradAccumulation;

        @Option(names = "--seq-len", defaultValue = "256", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
        int seqLen;

        @Option(names = "--lr-warmup-steps", paramLabel = "N",
                description = "Linear learning-rate warm-up before the cosine decay (default: 5% of --steps).")
        Long lrWarmupSteps;

        @Option(names = "--min-lr-ratio", defaultValue = "0.1",
                description = "Final learning rate as a fraction of --lr (default: ${DEFAULT-VALUE}).")
        double minLrRatio;

        @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
        double weightDecay;

        @Option(names = "--grad-clip", defaultValue = "1.0",
                description = "Clip the global gradient norm; 0 disables (default: ${DEFAULT-VALUE}).")
        double gradClip;

        @Option(names = "--eval-every", defaultValue = "100", paramLabel = "N",
                description = "Held-out evaluation and loss plot every N steps; 0: at the end (default: ${DEFAULT-VALUE}).")
        long evalEvery;

        @Option(names = "--eval-sequences", defaultValue = "64", paramLabel = "N",
                description = "Held-out sequences per evaluation (default: ${DEFAULT-VALUE}).")
        int evalSequences;

        @Option(names = "--held-out", defaultValue = "0.05", paramLabel = "FRACTION",
                description = "Tail fraction of the data held out for evaluation (default: ${DEFAULT-VALUE}).")
        double heldOut;

        @Option(names = "--checkpoint-every", defaultValue = "200", paramLabel = "N",
                description = "Checkpoint every N steps, besides on Ctrl-C and at the end (default: ${DEFAULT-VALUE}).")
        long checkpointEvery;

        @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (default: ${DEFAULT-VALUE}).")
        String device;

        @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
                description = "PyTorch CPU threads; 0: one per core (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--seed", defaultValue = "1", description = "Seed for data order and initial weights (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--resume", description = "Continue the run in OUT from its last checkpoint.")
        boolean resume;

        @Option(names = "--force", description = "Delete the run in OUT and start over.")
        boolean force;

        LoopOptions.Builder builder() {
            LoopOptions.Builder b = LoopOptions.builder().steps(steps).batch(batch).gradAccumulation(gradAccumulation)
                    .seqLen(seqLen).minLrRatio(minLrRatio).weightDecay(weightDecay).gradClip(gradClip)
                    .evalEvery(evalEvery).evalSequences(evalSequences).heldOutFraction(heldOut)
                    .checkpointEvery(checkpointEvery).device(Torch.DeviceKind.parse(device)).threads(threads)
                    .seed(seed).resume(resume).force(force);
            if (lrWarmupSteps != null) {
                b.lrWarmupSteps(lrWarmupSteps);
            }
            return b;
        }
    }

    /** A run with a progress bar on a terminal (step, loss, tokens/s, ETA), Ctrl-C handling and a summary. */
    static final class Progress implements TrainingListener, AutoCloseable {
        private final boolean showBar;
        private final PrintWriter out;
        private final boolean quiet;
        private final String task;
        private GracefulStop stop;
        private ProgressBar bar;
        private EvalMetrics lastEval;

        interface Run {
            TrainingReport run(TrainingListener listener) throws Exception;
        }

        private Progress(PrintWriter out, boolean quiet, String task) {
            this.out = out;
            this.quiet = quiet;
            this.task = task;
            this.showBar = !quiet && ConvertProgress.onTerminal();
        }

        static int run(PrintWriter out, boolean quiet, String task, Run run, String resumeHint) throws Exception {
            // The summary is printed before the stop hook is released: after Ctrl-C the JVM exits as soon as it is.
            try (GracefulStop stop = GracefulStop.install(300)) {
                TrainingReport report;
                try (Progress progress = new Progress(out, quiet, task)) {
                    progress.stop = stop;
                    report = run.run(progress);
                }
                summarize(out, quiet, report, resumeHint);
            }
            return 0;
        }

        private static void summarize(PrintWriter out, boolean quiet, TrainingReport report, String resumeHint) {
            if (report.interrupted()) {
                out.printf(Locale.ROOT, "Stopped at step %d; checkpoint %s. Continue with %s%n",
                        report.stepsCompleted(), report.checkpoint().map(Path::toString).orElse("(none)"), resumeHint);
            } else if (!quiet) {
                out.printf(Locale.ROOT, "Trained %d steps (%s tokens, %.0f tokens/s) -> %s%n", report.stepsCompleted(),
                        count(report.tokensSeen()), report.tokensPerSecond(),
                        report.model().map(Path::toString).orElse("?"));
                report.lastEval().ifPresent(e -> out.printf(Locale.ROOT,
                        "  held-out loss %.4f, perplexity %.3f (as exported)%n", e.loss(), e.perplexity()));
                if (!report.masters().equals(report.model())) {
                    out.println("  fp32 masters (continue with --student): " + report.masters().orElseThrow());
                }
            }
            out.flush();
        }

        @Override
        public void started(long firstStep, long totalSteps, long tokensPerStep) {
            if (showBar) {
                bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(totalSteps).startsFrom(firstStep,
                        java.time.Duration.ZERO).setUnit(" steps", 1).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(500)
                        .build();
            } else if (!quiet && firstStep > 0) {
                out.println("Resuming at step " + firstStep + " of " + totalSteps);
                out.flush();
            }
        }

        @Override
        public void stepDone(StepMetrics m) {
            if (bar != null) {
                bar.stepTo(m.step());
                bar.setExtraMessage(String.format(Locale.ROOT, "loss %.3f · %s tok/s · λ %.2f%s", m.loss(),
                        count((long) m.tokensPerSecond()), m.lambda(),
                        lastEval == null ? "" : String.format(Locale.ROOT, " · ppl %.2f", lastEval.perplexity())));
            }
        }

        @Override
        public void evaluated(EvalMetrics e) {
            lastEval = e;
            if (!showBar && !quiet) {
                out.printf(Locale.ROOT, "step %d: held-out loss %.4f, perplexity %.3f%n", e.step(), e.loss(),
                        e.perplexity());
                out.flush();
            }
        }

        @Override
        public void exporting(Path output) {
            if (bar != null) {
                bar.setExtraMessage("exporting the model…");
            }
        }

        @Override
        public boolean stopRequested() {
            return stop != null && stop.requested();
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }

        private static String count(long n) {
            return n >= 1_000_000 ? String.format(Locale.ROOT, "%.1fM", n / 1e6)
                    : n >= 10_000 ? String.format(Locale.ROOT, "%.1fk", n / 1e3) : Long.toString(n);
        }
    }
}

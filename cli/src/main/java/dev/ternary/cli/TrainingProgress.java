package dev.ternary.cli;

import dev.ternary.train.loop.GracefulStop;
import dev.ternary.train.loop.TrainingListener;
import dev.ternary.train.loop.TrainingReport;
import dev.ternary.train.metrics.EvalMetrics;
import dev.ternary.train.metrics.StepMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A run with a progress bar on a terminal (step, loss, tokens/s, ETA), Ctrl-C handling and a summary. */
final class TrainingProgress implements TrainingListener, AutoCloseable {
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

    private TrainingProgress(PrintWriter out, boolean quiet, String task) {
        this.out = out;
        this.quiet = quiet;
        this.task = task;
        this.showBar = !quiet && ConvertProgress.onTerminal();
    }

    static int run(PrintWriter out, boolean quiet, String task, Run run, String resumeHint) throws Exception {
        // The summary is printed before the stop hook is released: after Ctrl-C the JVM exits as soon as it is.
        try (GracefulStop stop = GracefulStop.install(300)) {
            TrainingReport report;
            try (TrainingProgress progress = new TrainingProgress(out, quiet, task)) {
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

package dev.ternary.cli;

import dev.ternary.convert.ConvertListener;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A terminal progress bar over input bytes, with a tensor count, for {@code ternary convert}. */
final class ConvertProgress implements ConvertListener, AutoCloseable {
    private final AtomicInteger tensorsDone = new AtomicInteger();
    private volatile ProgressBar bar;
    private volatile int tensors;

    /** Whether stderr is an interactive terminal, where a redrawn bar makes sense. */
    static boolean onTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    @Override
    public void started(int tensorCount, long inputBytes) {
        tensors = tensorCount;
        bar = new ProgressBarBuilder()
                .setTaskName("Converting")
                .setInitialMax(inputBytes)
                .setUnit("MB", 1_000_000)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(200)
                .showSpeed()
                .build();
        bar.setExtraMessage(" 0/" + tensorCount + " tensors");
    }

    @Override
    public void tensorDone(String name, long inputBytes) {
        ProgressBar b = bar;
        if (b != null) {
            b.stepBy(inputBytes);
            b.setExtraMessage(" " + tensorsDone.incrementAndGet() + "/" + tensors + " tensors");
        }
    }

    @Override
    public void close() {
        ProgressBar b = bar;
        if (b != null) {
            b.close();
        }
    }
}

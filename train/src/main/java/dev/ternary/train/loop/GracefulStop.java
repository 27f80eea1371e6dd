package dev.ternary.train.loop;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns Ctrl-C (SIGINT) or SIGTERM into a checkpointed stop. A JVM shutdown hook marks the stop as requested and
 * then holds the JVM open until the run says it is done, so the training loop can finish its step and write a
 * checkpoint before the process exits. Use as a try-with-resources around the run, and pass
 * {@link #requested()} to the listener's {@code stopRequested()}.
 */
public final class GracefulStop implements AutoCloseable {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private final long graceSeconds;

    private GracefulStop(long graceSeconds) {
        this.graceSeconds = graceSeconds;
        this.hook = new Thread(this::onShutdown, "ternary-graceful-stop");
    }

    /** Installs the hook; the JVM waits at most {@code graceSeconds} for the checkpoint. */
    public static GracefulStop install(long graceSeconds) {
        GracefulStop stop = new GracefulStop(graceSeconds);
        Runtime.getRuntime().addShutdownHook(stop.hook);
        return stop;
    }

    private void onShutdown() {
        requested.set(true);
        try {
            finished.await(graceSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a stop was requested (a signal arrived). */
    public boolean requested() {
        return requested.get();
    }

    /** Requests a stop from code (tests, notebooks). */
    public void request() {
        requested.set(true);
    }

    /** Marks the run finished (the hook may let the JVM exit) and removes the hook unless it is running. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns now that finished is counted down
        }
    }
}

package dev.ternary.kernels.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool that splits one kernel call across a fixed number of threads.
 *
 * <p>Decoding one token runs hundreds of GEMVs of 0.1–1 ms each, so handing work to an executor (task objects,
 * futures, a park/unpark per call) would cost a noticeable share of every call. Here the calling thread is worker 0
 * and does its share itself; helper threads spin briefly on a generation counter after each call (a token's next
 * GEMV usually follows within microseconds) and park after {@link #SPIN_NANOS}. A call allocates nothing.
 *
 * <p>One call runs at a time ({@link #run} is synchronized). Close the pool to stop its threads.
 */
public final class KernelThreads implements AutoCloseable {
    /** How long an idle helper spins before parking. */
    public static final long SPIN_NANOS = 200_000;
    /** How long the caller spins for unfinished helpers before it starts yielding its core. */
    static final long YIELD_AFTER_NANOS = 20_000;

    private static final KernelThreads SINGLE = new KernelThreads(1, "ternary-kernel-single");

    private final int size;
    private final Thread[] helpers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile RangeTask task;
    private volatile int items;
    private volatile Throwable failure;

    /**
     * Starts {@code threads - 1} daemon helper threads (the caller is the first worker).
     *
     * @param threads total workers, at least 1; typically the number of physical cores
     */
    public KernelThreads(int threads) {
        this(threads, "ternary-kernel");
    }

    private KernelThreads(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.size = threads;
        this.helpers = new Thread[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            final int worker = i + 1;
            Thread t = new Thread(() -> helperLoop(worker), name + "-" + worker);
            t.setDaemon(true);
            helpers[i] = t;
            t.start();
        }
    }

    /** A shared pool with only the calling thread: kernels run inline, nothing to close. */
    public static KernelThreads single() {
        return SINGLE;
    }

    /** Number of workers, the caller included. */
    public int size() {
        return size;
    }

    /**
     * Runs {@code task} over {@code [0, n)} split into {@link #size()} contiguous, nearly equal parts, and returns when
     * all parts are done. Exceptions thrown by any part are rethrown here.
     */
    public synchronized void run(int n, RangeTask task) {
        if (closed) {
            throw new IllegalStateException("KernelThreads is closed");
        }
        if (n <= 0) {
            return;
        }
        int workers = Math.min(size, n);
        if (workers == 1) {
            task.run(0, n, 0);
            return;
        }
        this.task = task;
        this.items = n;
        this.failure = null;
        pending.set(size - 1);
        generation++;
        for (Thread helper : helpers) {
            LockSupport.unpark(helper); // cheap when the helper is spinning; wakes it when parked
        }
        Throwable own = null;
        try {
            runPart(0, n, task);
        } catch (Throwable t) {
            own = t;
        }
        // Spin for the helpers; after a short while also yield, so that on an oversubscribed machine a helper
        // waiting for this core gets it instead of watching us spin.
        long waitStart = System.nanoTime();
        while (pending.get() != 0) {
            if (System.nanoTime() - waitStart < YIELD_AFTER_NANOS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        this.task = null;
        Throwable f = own != null ? own : failure;
        if (f != null) {
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
    }

    private void runPart(int worker, int n, RangeTask t) {
        long from = (long) n * worker / size;
        long to = (long) n * (worker + 1) / size;
        if (from < to) {
            t.run((int) from, (int) to, worker);
        }
    }

    private void helperLoop(int worker) {
        long seen = 0;
        while (true) {
            long spinStart = System.nanoTime();
            long g;
            while ((g = generation) == seen && !closed) {
                if (System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 1_000_000);
                }
            }
            if (closed) {
                return;
            }
            seen = g;
            try {
                runPart(worker, items, task);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    /** Stops the helper threads; the pool cannot be used afterwards. The shared {@link #single()} pool ignores this. */
    @Override
    public void close() {
        if (this == SINGLE) {
            return;
        }
        closed = true;
        for (Thread t : helpers) {
            LockSupport.unpark(t);
        }
        for (Thread t : helpers) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

package dev.ternary.kernels.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
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
    /**
     * Chunks per worker that {@link #grain} aims at: enough that a worker slowed down by another process costs the
     * call a fraction of a part, few enough that the claims (one atomic add each) cost nothing measurable.
     */
    static final int CHUNKS_PER_WORKER = 8;

    private static final KernelThreads SINGLE = new KernelThreads(1, "ternary-kernel-single");

    private final int size;
    private final Thread[] helpers;
    private final AtomicInteger pending = new AtomicInteger();
    /**
     * Per worker, the unclaimed part of its items in a {@link #runClaimed} call: the first item in the high 32 bits,
     * the end in the low 32. The owner claims from the front, others from the back, each by compare-and-set.
     */
    private final AtomicLongArray parts;
    private volatile long generation;
    private volatile boolean closed;
    private volatile RangeTask task;
    private volatile int items;
    /** Items per claim of a {@link #runClaimed} call; 0 for the fixed split of {@link #run}. */
    private volatile int grain;
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
        this.parts = new AtomicLongArray(threads);
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
        dispatch(n, 0, task);
    }

    /**
     * Runs {@code task} over {@code [0, n)} split as {@link #run} splits it, but each worker takes its part in chunks
     * of {@code grain} items, front to back, and a worker that runs out takes chunks from the back of the others'
     * unfinished parts. Returns when all are done. A worker may run several chunks, one after the other; use
     * {@link #run} for a task that must see at most one range per worker and call.
     *
     * <p>On a machine whose cores are shared with other work, a fixed split waits for its slowest part: a worker that
     * lost its core for a while holds back the whole call, while here the others take over its remaining chunks. In
     * the common case each worker still reads one forward stream: workers claiming alternate chunks of one shared
     * sequence made the bit-plane GEMV 8192x2048 about 1.3x slower (docs/BENCHMARKS.md, session 12).
     */
    public synchronized void runClaimed(int n, int grain, RangeTask task) {
        if (grain < 1) {
            throw new IllegalArgumentException("grain must be >= 1, got " + grain);
        }
        dispatch(n, grain, task);
    }

    /**
     * A claim size for {@link #runClaimed} over {@code n} items: about {@link #CHUNKS_PER_WORKER} chunks per worker,
     * rounded up to a multiple of {@code multiple} (a kernel's row tile, so that a chunk is whole tiles).
     */
    public int grain(int n, int multiple) {
        int m = Math.max(1, multiple);
        return Math.ceilDiv(Math.ceilDiv(Math.max(1, n), size * CHUNKS_PER_WORKER), m) * m;
    }

    private void dispatch(int n, int grain, RangeTask task) {
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
        this.grain = grain;
        if (grain > 0) {
            for (int w = 0; w < size; w++) {
                parts.set(w, part(partStart(n, w), partStart(n, w + 1)));
            }
        }
        this.failure = null;
        pending.set(size - 1);
        generation++;
        for (Thread helper : helpers) {
            LockSupport.unpark(helper); // cheap when the helper is spinning; wakes it when parked
        }
        Throwable own = null;
        try {
            runPart(0, n, grain, task);
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

    private void runPart(int worker, int n, int grain, RangeTask t) {
        if (grain > 0) {
            runClaims(worker, grain, t);
            return;
        }
        int from = partStart(n, worker);
        int to = partStart(n, worker + 1);
        if (from < to) {
            t.run(from, to, worker);
        }
    }

    /** The worker's own part front to back, then the others' leftovers back to front. */
    private void runClaims(int worker, int grain, RangeTask t) {
        while (true) {
            long p = parts.get(worker);
            int from = first(p);
            int end = end(p);
            if (from >= end) {
                break;
            }
            int to = Math.min(end, from + grain);
            if (parts.compareAndSet(worker, p, part(to, end))) {
                t.run(from, to, worker);
            }
        }
        for (int k = 1; k < size; k++) {
            int other = (worker + k) % size;
            while (true) {
                long p = parts.get(other);
                int first = first(p);
                int to = end(p);
                if (first >= to) {
                    break;
                }
                int from = Math.max(first, to - grain);
                if (parts.compareAndSet(other, p, part(first, from))) {
                    t.run(from, to, worker);
                }
            }
        }
    }

    /** Where worker {@code w}'s part of the fixed split of {@code n} items starts ({@code w = size}: the end). */
    private int partStart(int n, int w) {
        return (int) ((long) n * w / size);
    }

    private static long part(int first, int end) {
        return ((long) first << 32) | (end & 0xFFFF_FFFFL);
    }

    private static int first(long part) {
        return (int) (part >>> 32);
    }

    private static int end(long part) {
        return (int) part;
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
                runPart(worker, items, grain, task);
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

package dev.ternary.kernels.bench;

import dev.ternary.kernels.parallel.KernelThreads;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The state of the machine right before each {@link GemvBench} iteration, reported by JMH as secondary metrics (one
 * value per iteration in the JSON's raw data): {@code probeGBps}, what the memory holding the benchmark's matrices
 * delivers to its threads (those same matrices streamed with {@link StreamSum}), and {@code probeScaling}, whether
 * its threads had a core each ({@link ComputeSpin#scaling}: 1, or about 0.5 when two shared one).
 *
 * <p>On the 2-vCPU VMs these benchmarks run on, what two threads can stream changes over minutes:
 * {@link BandwidthBench} read 1 GiB in 25-28 ms (what one thread reads) in some forks and in 14-15 ms in others,
 * sometimes switching a few seconds into a fork (docs/BENCHMARKS.md, session 15). A GEMV's share of a bandwidth
 * measured in another fork can then be off by nearly 2x either way; its share of what its own matrices' memory
 * delivered seconds earlier is not.
 * The scaling tells a GEMV slowed by two threads sharing a core from one slowed by its own compiled code.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class MachineProbe {
    private static final int ROUNDS = 3;
    private static final int WARM_UP_CALLS = 20_000;
    /** Work per {@link ComputeSpin} item, and items per worker: about 2 ms per worker. */
    private static final int SPIN_ROUNDS = 64;
    private static final int SPIN_ITEMS = 20_000;

    /**
     * GB/s of the best of {@link #ROUNDS} passes over the matrices right before the iteration. JMH zeroes counters
     * after the iteration's setup, so each benchmark operation copies it from {@link #measured} ({@link #record}).
     */
    public double probeGBps;
    /** {@link ComputeSpin#scaling} right before the iteration (copied like {@link #probeGBps}). */
    public double probeScaling;

    private double measured;
    private double measuredScaling;
    private final ComputeSpin spin = new ComputeSpin(SPIN_ROUNDS);
    private Arena arena;
    private List<StreamSum> streams;
    private long sink;

    /**
     * Compiles {@link StreamSum} and {@link ComputeSpin} before they are timed: a few calls per iteration would
     * otherwise time the interpreter.
     */
    @Setup(Level.Trial)
    public void warmUp() {
        arena = Arena.ofConfined();
        MemorySegment page = arena.allocate(StreamSum.PAGE, 64);
        StreamSum.fill(page);
        StreamSum sum = new StreamSum(page);
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            sink += sum.run(KernelThreads.single());
            spin.run(0, 1, 0);
        }
    }

    @Setup(Level.Iteration)
    public void measure(GemvBench bench) {
        if (streams == null) {
            streams = bench.matrices().segments().stream().map(StreamSum::new).toList();
        }
        KernelThreads pool = bench.pool();
        long bytes = streams.stream().mapToLong(StreamSum::bytes).sum();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < ROUNDS; i++) {
            long t0 = System.nanoTime();
            for (StreamSum s : streams) {
                sink += s.run(pool);
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        measured = (double) bytes / best;
        measuredScaling = spin.scaling(pool, SPIN_ITEMS);
    }

    /** Called by each benchmark operation: a plain store, nothing next to a GEMV. */
    void record() {
        probeGBps = measured;
        probeScaling = measuredScaling;
    }

    @TearDown(Level.Trial)
    public void free() {
        arena.close();
    }
}

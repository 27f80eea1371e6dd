package dev.ternary.kernels.bench;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.BIT_COUNT;
import static jdk.incubator.vector.VectorOperators.XOR;

import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.parallel.RangeTask;
import dev.ternary.kernels.simd.KernelSpecies;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-only vector work (population counts on eight independent chains, as in the bit-plane kernel), the same
 * amount on each worker: no memory traffic, so its time with two workers against one says whether the two threads
 * had a core each ({@link #scaling} near 1) or shared one (near 0.5).
 */
final class ComputeSpin implements RangeTask {
    private static final VectorSpecies<Long> L = LongVector.SPECIES_MAX.withShape(KernelSpecies.SHAPE);
    private final long[] partial = new long[64];
    private final int rounds;

    ComputeSpin(int rounds) {
        this.rounds = rounds;
    }

    @Override
    public void run(int from, int to, int worker) {
        LongVector m = LongVector.broadcast(L, 0x5555_5555_5555_5555L);
        LongVector x0 = LongVector.broadcast(L, 1 + worker), x1 = x0.add(1), x2 = x0.add(2), x3 = x0.add(3);
        LongVector x4 = x0.add(4), x5 = x0.add(5), x6 = x0.add(6), x7 = x0.add(7);
        LongVector a0 = LongVector.zero(L), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = from; i < to; i++) {
            // eight chains written out, as in the kernels: vectors kept in an array or passed to a helper get boxed
            for (int r = 0; r < rounds; r++) {
                x0 = x0.lanewise(XOR, m);
                a0 = a0.add(x0.lanewise(BIT_COUNT));
                x1 = x1.lanewise(XOR, m);
                a1 = a1.add(x1.lanewise(BIT_COUNT));
                x2 = x2.lanewise(XOR, m);
                a2 = a2.add(x2.lanewise(BIT_COUNT));
                x3 = x3.lanewise(XOR, m);
                a3 = a3.add(x3.lanewise(BIT_COUNT));
                x4 = x4.lanewise(XOR, m);
                a4 = a4.add(x4.lanewise(BIT_COUNT));
                x5 = x5.lanewise(XOR, m);
                a5 = a5.add(x5.lanewise(BIT_COUNT));
                x6 = x6.lanewise(XOR, m);
                a6 = a6.add(x6.lanewise(BIT_COUNT));
                x7 = x7.lanewise(XOR, m);
                a7 = a7.add(x7.lanewise(BIT_COUNT));
            }
        }
        partial[worker * 8] = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).reduceLanes(ADD);
    }

    /**
     * One worker's time for {@code items} items alone over {@code pool}'s time for {@code items} items per worker:
     * 1 when every worker has a core to itself.
     */
    double scaling(KernelThreads pool, int items) {
        long alone = Long.MAX_VALUE;
        long together = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            run(0, items, 0);
            alone = Math.min(alone, System.nanoTime() - t0);
            t0 = System.nanoTime();
            pool.run(items * pool.size(), this);
            together = Math.min(together, System.nanoTime() - t0);
        }
        return (double) alone / together;
    }
}

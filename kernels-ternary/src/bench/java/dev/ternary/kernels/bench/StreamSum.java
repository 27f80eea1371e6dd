package dev.ternary.kernels.bench;

import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.parallel.RangeTask;
import dev.ternary.kernels.simd.KernelSpecies;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A vector sum streaming a segment's whole 4 KiB pages once (a partial last page is left out), split over a
 * {@link KernelThreads} pool by pages: the least work per byte a kernel can do, so its rate is what the memory
 * system delivers to those threads.
 */
final class StreamSum implements RangeTask {
    static final int PAGE = 4096;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_MAX.withShape(KernelSpecies.SHAPE);

    private final MemorySegment data;
    private final int pages;
    private final long[] partial = new long[64];

    /** @param data a segment of at least one page, written before use so its pages exist */
    StreamSum(MemorySegment data) {
        if (data.byteSize() < PAGE || data.byteSize() / PAGE > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("need 1 to 2^31-1 pages of " + PAGE + " bytes: " + data.byteSize());
        }
        this.data = data;
        this.pages = (int) (data.byteSize() / PAGE);
    }

    /** Fills every long with its offset, so every page is backed by memory before it is timed. */
    static void fill(MemorySegment data) {
        for (long i = 0; i < data.byteSize(); i += 8) {
            data.set(ValueLayout.JAVA_LONG, i, i);
        }
    }

    /** Sums the whole segment over {@code pool}'s workers; returns the sum so the JIT cannot drop the loads. */
    long run(KernelThreads pool) {
        pool.run(pages, this);
        long s = 0;
        for (int w = 0; w < pool.size(); w++) {
            s += partial[w * 8];
        }
        return s;
    }

    /** Bytes one {@link #run} streams. */
    long bytes() {
        return (long) pages * PAGE;
    }

    @Override
    public void run(int from, int to, int worker) {
        LongVector a0 = LongVector.zero(L), a1 = a0, a2 = a0, a3 = a0;
        int step = L.vectorByteSize();
        for (long i = (long) from * PAGE, end = (long) to * PAGE; i < end; i += 4L * step) {
            a0 = a0.add(LongVector.fromMemorySegment(L, data, i, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(LongVector.fromMemorySegment(L, data, i + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(LongVector.fromMemorySegment(L, data, i + 2L * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(LongVector.fromMemorySegment(L, data, i + 3L * step, ByteOrder.LITTLE_ENDIAN));
        }
        // one slot per 64-byte line, so the workers' results do not share a line
        partial[worker * 8] = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
}

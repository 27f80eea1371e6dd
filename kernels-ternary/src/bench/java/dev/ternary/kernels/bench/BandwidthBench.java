package dev.ternary.kernels.bench;

import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.parallel.RangeTask;
import dev.ternary.kernels.simd.KernelSpecies;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * This machine's memory read bandwidth in the same harness: a vector sum streaming 1 GiB, split over the same
 * {@link KernelThreads}. Every kernel is reported as a fraction of it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx2g", "-XX:MaxDirectMemorySize=8g"})
public class BandwidthBench {
    static final long BYTES = 1L << 30;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_MAX.withShape(KernelSpecies.SHAPE);

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private MemorySegment data;
    private KernelThreads pool;
    private final long[] partial = new long[64];
    private final RangeTask sum = this::sumRange;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        data = arena.allocate(BYTES, 64);
        for (long i = 0; i < BYTES; i += 8) {
            data.set(ValueLayout.JAVA_LONG, i, i);
        }
        pool = threads == 1 ? KernelThreads.single() : new KernelThreads(threads);
    }

    /** Items are 4 KiB pages. */
    private void sumRange(int from, int to, int worker) {
        LongVector a0 = LongVector.zero(L), a1 = a0, a2 = a0, a3 = a0;
        int step = L.vectorByteSize();
        for (long i = (long) from << 12, end = (long) to << 12; i < end; i += 4L * step) {
            a0 = a0.add(LongVector.fromMemorySegment(L, data, i, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(LongVector.fromMemorySegment(L, data, i + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(LongVector.fromMemorySegment(L, data, i + 2L * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(LongVector.fromMemorySegment(L, data, i + 3L * step, ByteOrder.LITTLE_ENDIAN));
        }
        partial[worker * 8] = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public long streamSum() {
        pool.run((int) (BYTES >>> 12), sum);
        long s = 0;
        for (int w = 0; w < threads; w++) {
            s += partial[w * 8];
        }
        return s;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }
}

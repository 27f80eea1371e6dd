package dev.ternary.kernels.bench;

import dev.ternary.kernels.parallel.KernelThreads;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
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
 * {@link KernelThreads}. The GEMVs are reported as a fraction of it, and of the {@link MachineProbe} measured in
 * their own fork (which is the one to trust where the machine's bandwidth changes between forks).
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

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private KernelThreads pool;
    private StreamSum sum;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        MemorySegment data = arena.allocate(BYTES, 64);
        StreamSum.fill(data);
        sum = new StreamSum(data);
        pool = threads == 1 ? KernelThreads.single() : new KernelThreads(threads);
    }

    @Benchmark
    public long streamSum() {
        return sum.run(pool);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }
}

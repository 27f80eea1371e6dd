package dev.ternary.kernels.bench;

import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.quant.ActivationQuantizer;
import dev.ternary.kernels.quant.Int8Activations;
import dev.ternary.kernels.simd.KernelSpecies;
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
 * One GEMV (batch 1 decode) per operation, cycling over >= 512 MiB of distinct matrices so weights stream from DRAM.
 * Time per op is one matrix; weight GB/s = matrix bytes / time (see docs/BENCHMARKS.md). Each iteration also records
 * the memory bandwidth measured just before it ({@link MachineProbe}).
 * Sample-time mode: JMH times every operation, so the report gives the median and the fastest besides the mean,
 * which bursts of time stolen from a shared VM inflate (docs/BENCHMARKS.md, session 18).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx6g", "-XX:MaxDirectMemorySize=16g"})
public class GemvBench {
    @Param({"2048x2048", "8192x2048", "2048x8192", "2560x6912", "6912x2560", "128256x2048"})
    public String shape;

    /** lut2, base3, bitplane, bitslice (ternary, int8 activations), bf16, f32, q8 (dense, fp32 activations). */
    @Param({"lut2", "base3", "bitplane", "bitslice", "bf16", "f32", "q8"})
    public String kernel;

    @Param({"1", "2"})
    public int threads;

    private KernelThreads pool;
    private KernelMatrices matrices;
    private Int8Activations q;
    private float[] x;
    private float[] y;

    @Setup(Level.Trial)
    public void setUp() {
        System.out.println("# " + KernelSpecies.describe());
        int rows = Shapes.rows(shape), cols = Shapes.cols(shape);
        pool = threads == 1 ? KernelThreads.single() : new KernelThreads(threads);
        x = Shapes.activations(cols, 7);
        y = new float[rows];
        matrices = KernelMatrices.of(kernel, shape);
        q = new Int8Activations(cols, 1);
        ActivationQuantizer.quantize(x, 0, q, 0);
        System.out.println("# " + kernel + " " + shape + ": " + matrices.describe());
    }

    /** The benchmark's workers, for {@link MachineProbe}. */
    KernelThreads pool() {
        return pool;
    }

    /** The matrices it cycles over, for {@link MachineProbe}. */
    KernelMatrices matrices() {
        return matrices;
    }

    @Benchmark
    public float gemv(MachineProbe probe) {
        probe.record();
        if (matrices.isTernary()) {
            matrices.nextTernary().gemv(pool, q, 0, y);
        } else {
            matrices.nextDense().gemv(pool, x, y);
        }
        return y[0];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        matrices.close();
        pool.close();
    }
}

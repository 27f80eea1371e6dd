package dev.ternary.kernels.bench;

import dev.ternary.kernels.dense.DenseFormat;
import dev.ternary.kernels.dense.DenseMatrix;
import dev.ternary.kernels.format.TernaryFormat;
import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.quant.ActivationQuantizer;
import dev.ternary.kernels.quant.Int8Activations;
import dev.ternary.kernels.simd.KernelSpecies;
import dev.ternary.kernels.ternary.TernaryMatrix;
import java.util.List;
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
 * Time per op is one matrix; weight GB/s = matrix bytes / time (see docs/BENCHMARKS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
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
    private List<TernaryMatrix> ternary;
    private List<DenseMatrix> dense;
    private Int8Activations q;
    private float[] x;
    private float[] y;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        System.out.println("# " + KernelSpecies.describe());
        int rows = Shapes.rows(shape), cols = Shapes.cols(shape);
        pool = threads == 1 ? KernelThreads.single() : new KernelThreads(threads);
        x = Shapes.activations(cols, 7);
        y = new float[rows];
        switch (kernel) {
            case "lut2" -> ternary = Shapes.ternary(shape, TernaryFormat.TWO_BIT);
            case "base3" -> ternary = Shapes.ternary(shape, TernaryFormat.BASE3);
            case "bitplane" -> ternary = Shapes.ternary(shape, TernaryFormat.BIT_PLANE);
            case "bitslice" -> ternary = Shapes.ternary(shape, TernaryFormat.BIT_SLICE);
            case "bf16" -> dense = Shapes.dense(shape, DenseFormat.BF16);
            case "f32" -> dense = Shapes.dense(shape, DenseFormat.F32);
            case "q8" -> dense = Shapes.dense(shape, DenseFormat.Q8);
            default -> throw new IllegalArgumentException(kernel);
        }
        q = new Int8Activations(cols, 1);
        ActivationQuantizer.quantize(x, 0, q, 0);
        long bytes = ternary != null ? ternary.get(0).byteSize() : dense.get(0).byteSize();
        int count = ternary != null ? ternary.size() : dense.size();
        System.out.printf("# %s %s: %d matrices of %d bytes (%.0f MiB cycled)%n", kernel, shape, count, bytes,
                count * (double) bytes / (1 << 20));
    }

    @Benchmark
    public float gemv() {
        if (ternary != null) {
            TernaryMatrix m = ternary.get(next);
            next = next + 1 == ternary.size() ? 0 : next + 1;
            m.gemv(pool, q, 0, y);
        } else {
            DenseMatrix m = dense.get(next);
            next = next + 1 == dense.size() ? 0 : next + 1;
            m.gemv(pool, x, y);
        }
        return y[0];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (ternary != null) {
            ternary.forEach(TernaryMatrix::close);
        }
        if (dense != null) {
            dense.forEach(DenseMatrix::close);
        }
        pool.close();
    }
}

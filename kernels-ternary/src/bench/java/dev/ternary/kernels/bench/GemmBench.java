package dev.ternary.kernels.bench;

import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.quant.ActivationQuantizer;
import dev.ternary.kernels.quant.Int8Activations;
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
 * One GEMM of {@code tokens} tokens (prefill) per operation, cycling over the same matrix sets as {@link GemvBench};
 * sample-time mode, as there.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx6g", "-XX:MaxDirectMemorySize=16g"})
public class GemmBench {
    @Param({"8192x2048", "2560x6912"})
    public String shape;

    @Param({"lut2", "base3", "bitplane", "bitslice", "bf16", "f32"})
    public String kernel;

    @Param({"1", "2"})
    public int threads;

    @Param({"64"})
    public int tokens;

    private KernelThreads pool;
    private KernelMatrices matrices;
    private Int8Activations q;
    private float[] x;
    private float[] y;

    @Setup(Level.Trial)
    public void setUp() {
        int rows = Shapes.rows(shape), cols = Shapes.cols(shape);
        pool = threads == 1 ? KernelThreads.single() : new KernelThreads(threads);
        x = Shapes.activations(tokens * cols, 9);
        y = new float[tokens * rows];
        matrices = KernelMatrices.of(kernel, shape);
        q = new Int8Activations(cols, tokens);
        ActivationQuantizer.quantizeBlock(x, tokens, q);
    }

    @Benchmark
    public float gemm() {
        if (matrices.isTernary()) {
            matrices.nextTernary().gemm(pool, q, tokens, y);
        } else {
            matrices.nextDense().gemm(pool, x, tokens, y);
        }
        return y[0];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        matrices.close();
        pool.close();
    }
}

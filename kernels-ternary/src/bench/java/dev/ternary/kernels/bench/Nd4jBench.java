package dev.ternary.kernels.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The library baseline: ND4J (OpenBLAS) fp32 sgemv (one token, cycling over >= 512 MiB of matrices) and sgemm
 * ({@code tokens} tokens). Benchmark scope only: the kernels never depend on ND4J.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-XX:MaxDirectMemorySize=16g", "-Dorg.bytedeco.javacpp.maxbytes=16G",
        "-Dorg.bytedeco.javacpp.maxphysicalbytes=20G"})
public class Nd4jBench {
    @Param({"8192x2048", "2560x6912"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"1", "64"})
    public int tokens;

    private final List<INDArray> weights = new ArrayList<>();
    private INDArray x;
    private INDArray y;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        try {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Nd4j.getEnvironment().setMaxThreads(threads);
            Nd4j.factory().blas().setMaxThreads(threads);
        } catch (RuntimeException | LinkageError e) {
            System.out.println("# could not set ND4J threads: " + e);
        }
        int rows = Shapes.rows(shape), cols = Shapes.cols(shape);
        long bytes = 4L * rows * cols;
        int copies = tokens == 1 ? Shapes.copies(bytes) : 2;
        INDArray first = Nd4j.rand(DataType.FLOAT, rows, cols).subi(0.5f).muli(0.1f);
        weights.add(first);
        for (int i = 1; i < copies; i++) {
            weights.add(first.dup());
        }
        x = Nd4j.rand(DataType.FLOAT, cols, tokens);
        y = Nd4j.create(DataType.FLOAT, rows, tokens);
        System.out.printf("# nd4j %s tokens %d: %d matrices of %d bytes, blas threads %d%n", shape, tokens, copies,
                bytes, Nd4j.factory().blas().getMaxThreads());
    }

    @Benchmark
    public INDArray mmul() {
        INDArray w = weights.get(next);
        next = next + 1 == weights.size() ? 0 : next + 1;
        return w.mmuli(x, y);
    }
}

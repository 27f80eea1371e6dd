package dev.ternary.infer.linear;

import dev.ternary.kernels.dense.DenseMatrix;
import dev.ternary.kernels.parallel.KernelThreads;

/** A full-precision (bf16/f32) or int8-per-row (q8) linear on the dense Vector API kernels. */
public final class DenseLinear implements Linear {
    private final DenseMatrix matrix;
    private final KernelThreads threads;

    public DenseLinear(DenseMatrix matrix, KernelThreads threads) {
        this.matrix = matrix;
        this.threads = threads;
    }

    public DenseMatrix matrix() {
        return matrix;
    }

    @Override
    public int inFeatures() {
        return matrix.cols();
    }

    @Override
    public int outFeatures() {
        return matrix.rows();
    }

    @Override
    public void forward(float[] x, float[] y, int tokens) {
        if (tokens == 1) {
            matrix.gemv(threads, x, y);
        } else {
            matrix.gemm(threads, x, tokens, y);
        }
    }

    @Override
    public long weightBytes() {
        return matrix.byteSize();
    }

    @Override
    public String format() {
        return matrix.format().name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void close() {
        matrix.close();
    }
}

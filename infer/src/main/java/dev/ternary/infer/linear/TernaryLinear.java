package dev.ternary.infer.linear;

import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.quant.ActivationQuantizer;
import dev.ternary.kernels.quant.Int8Activations;
import dev.ternary.kernels.ternary.TernaryMatrix;

/**
 * A BitNet b1.58 linear: activations are quantized per token to int8 (absmax), multiplied by the packed trits
 * with additions only, and rescaled by {@code weightScale * max|x| / 127}.
 */
public final class TernaryLinear implements Linear {
    private final TernaryMatrix matrix;
    private final KernelThreads threads;
    private final Int8Activations activations;

    /**
     * @param maxTokens the largest block {@link #forward} will see (sizes the int8 activation buffer)
     */
    public TernaryLinear(TernaryMatrix matrix, KernelThreads threads, int maxTokens) {
        this.matrix = matrix;
        this.threads = threads;
        this.activations = new Int8Activations(matrix.cols(), maxTokens);
    }

    public TernaryMatrix matrix() {
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
        ActivationQuantizer.quantizeBlock(x, tokens, activations);
        if (tokens == 1) {
            matrix.gemv(threads, activations, y);
        } else {
            matrix.gemm(threads, activations, tokens, y);
        }
    }

    @Override
    public long weightBytes() {
        return matrix.byteSize();
    }

    @Override
    public String format() {
        return "ternary-" + matrix.format().name();
    }

    @Override
    public void close() {
        matrix.close();
    }
}

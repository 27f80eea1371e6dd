package dev.ternary.train.model;

import ai.djl.ndarray.NDArray;
import dev.ternary.train.quant.FakeQuant;
import dev.ternary.train.quant.QuantContext;

/**
 * BitNet b1.58's linear layer for training: the full-precision master weight is fake-quantized to per-tensor
 * absmean ternary and the input to per-token absmax int8, each through the straight-through estimator with the
 * warm-up λ ({@code w + λ·(Q(w) − w).stopGradient()}), then multiplied in float. Hugging Face's
 * {@code AutoBitLinear} in online mode does the same ({@code integrations/bitnet.py}).
 *
 * <p>A weight loaded from a packed ternary checkpoint already equals {@code s·T}; quantizing it again would
 * change its scale (the absmean of {@code s·T} is {@code s} times the fraction of non-zeros), so it is used as is.
 */
public final class BitLinear implements Projection {
    private final NDArray weight;
    private final NDArray bias;
    private final boolean weightIsTernary;

    public BitLinear(NDArray weight, NDArray bias, boolean weightIsTernary) {
        this.weight = weight;
        this.bias = bias;
        this.weightIsTernary = weightIsTernary;
    }

    @Override
    public NDArray forward(NDArray x, QuantContext quant) {
        NDArray w = weightIsTernary ? weight : quant.apply(weight, FakeQuant::ternaryWeights);
        NDArray xq = weightIsTernary
                ? new QuantContext(1f, quant.training()).apply(x, FakeQuant::int8Activations)
                : quant.apply(x, FakeQuant::int8Activations);
        NDArray y = xq.matMul(w.transpose());
        return bias == null ? y : y.add(bias);
    }
}

package dev.ternary.train.model;

import ai.djl.ndarray.NDArray;
import dev.ternary.train.quant.QuantContext;

/** A full-precision linear layer, as in the teacher or a dense model trained from scratch. */
public final class DenseLinear implements Projection {
    private final NDArray weight;
    private final NDArray bias;

    /** @param weight {@code [out, in]} as Hugging Face stores it; @param bias {@code [out]} or null */
    public DenseLinear(NDArray weight, NDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    @Override
    public NDArray forward(NDArray x, QuantContext quant) {
        NDArray y = x.matMul(weight.transpose());
        return bias == null ? y : y.add(bias);
    }
}

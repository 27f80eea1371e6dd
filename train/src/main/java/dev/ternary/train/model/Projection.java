package dev.ternary.train.model;

import ai.djl.ndarray.NDArray;
import dev.ternary.train.quant.QuantContext;

/** A linear map {@code y = x·Wᵀ (+ b)} over the last axis: dense (teacher) or BitLinear (student). */
public sealed interface Projection permits DenseLinear, BitLinear {
    NDArray forward(NDArray x, QuantContext quant);
}

package dev.ternary.train.quant;

import ai.djl.ndarray.NDArray;
import dev.ternary.train.model.Scopes;

/**
 * How a forward pass quantizes: the warm-up λ and whether gradients will flow. Without gradients at λ = 1 the
 * quantized value is used as is; the straight-through form {@code x + (q − x)} would round to within an ulp of it
 * but not always onto it, and evaluation should see exactly the deployed numbers.
 */
public record QuantContext(float lambda, boolean training) {
    /** Fully quantized, no gradients: what the exported model computes. */
    public static final QuantContext DEPLOYED = new QuantContext(1f, false);

    public QuantContext {
        if (!(lambda >= 0f && lambda <= 1f)) {
            throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
        }
    }

    /** Blends {@code x} toward its quantized value {@code quantize(x)} by λ with a straight-through gradient. */
    public NDArray apply(NDArray x, java.util.function.UnaryOperator<NDArray> quantize) {
        if (lambda == 0f) {
            return x;
        }
        NDArray detached = x.stopGradient();
        NDArray q = Scopes.keep(() -> quantize.apply(detached));
        if (!training && lambda == 1f) {
            return q;
        }
        return FakeQuant.straightThrough(x, q, lambda);
    }
}

package dev.ternary.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * Releases intermediate arrays early. DJL keeps a handle to every array an {@link NDScope} saw until the scope
 * closes, and a handle keeps its native tensor alive; with one scope per training step, every temporary of the
 * step (each quantizer's abs/round/clip, each layer's activations) would stay resident until the step ends — for
 * a 100M-parameter model that was most of a 13 GB peak. A nested scope per block frees them as soon as the block
 * returns. Autograd is unaffected: PyTorch counts its own references to the tensors it saved for backward.
 */
public final class Scopes {
    private Scopes() {}

    /** Runs {@code body} in its own scope and hands its result to the enclosing scope. */
    public static NDArray keep(Supplier<NDArray> body) {
        NDArray result;
        try (NDScope ignored = new NDScope()) {
            result = body.get();
            NDScope.unregister(result);
        }
        NDScope.register(result);
        return result;
    }

    /** As {@link #keep(Supplier)} for several results. */
    public static NDArray[] keepAll(Supplier<NDArray[]> body) {
        NDArray[] result;
        try (NDScope ignored = new NDScope()) {
            result = body.get();
            NDScope.unregister(result);
        }
        for (NDArray a : result) {
            NDScope.register(a);
        }
        return result;
    }
}

package dev.ternary.train.model;

import dev.ternary.convert.model.RopeScaling;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Rotary position embedding (Su et al. 2021) in Hugging Face's "rotate half" convention: the head dimension is
 * split into halves {@code (x1, x2)} and {@code x·cos + (−x2, x1)·sin}, with frequency {@code θ^(−2i/d)} shared by
 * channels {@code i} and {@code i + d/2} (transformers' {@code rotate_half} / {@code apply_rotary_pos_emb}). Llama
 * checkpoints are stored permuted for exactly this convention, so the runtime must use it too.
 */
public final class RotaryEmbedding {
    private final NDManager manager;
    private final int headDim;
    private final double[] inverseFrequencies;
    private final Map<Integer, NDArray[]> tables = new HashMap<>();

    public RotaryEmbedding(NDManager manager, int headDim, double theta, Optional<RopeScaling> scaling) {
        this.manager = manager;
        this.headDim = headDim;
        this.inverseFrequencies = RopeScaling.inverseFrequencies(headDim, theta, scaling);
    }

    /** Rotates {@code x [batch, heads, T, headDim]} for positions {@code 0..T-1}. */
    public NDArray apply(NDArray x) {
        int t = Math.toIntExact(x.getShape().get(2));
        NDArray[] cs = table(t);
        NDList halves = x.split(2, 3);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
        return x.mul(cs[0]).add(rotated.mul(cs[1]));
    }

    private synchronized NDArray[] table(int length) {
        NDArray[] t = tables.get(length);
        if (t == null) {
            float[] cos = new float[length * headDim];
            float[] sin = new float[length * headDim];
            int half = headDim / 2;
            for (int p = 0; p < length; p++) {
                for (int i = 0; i < half; i++) {
                    double angle = p * inverseFrequencies[i];
                    float c = (float) Math.cos(angle);
                    float s = (float) Math.sin(angle);
                    cos[p * headDim + i] = c;
                    cos[p * headDim + i + half] = c;
                    sin[p * headDim + i] = s;
                    sin[p * headDim + i + half] = s;
                }
            }
            // Cached across steps: keep them out of whatever per-step scope is open.
            t = new NDArray[] {manager.create(cos, new Shape(length, headDim)),
                manager.create(sin, new Shape(length, headDim))};
            NDScope.unregister(t);
            tables.put(length, t);
        }
        return t;
    }
}

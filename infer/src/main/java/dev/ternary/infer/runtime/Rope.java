package dev.ternary.infer.runtime;

import dev.ternary.convert.model.RopeScaling;
import dev.ternary.infer.model.ModelConfig;

/**
 * Rotary position embeddings in Hugging Face's rotate-half convention: within each head, element {@code i} pairs
 * with {@code i + headDim/2} (not with its neighbour as in the original paper/Meta's code), rotated by
 * {@code pos * invFreq[i]}. Cos/sin are tabulated once for every position up to the context length.
 */
public final class Rope {
    private final int headDim;
    private final int half;
    private final float[] cos;
    private final float[] sin;

    public Rope(ModelConfig config, int maxPositions) {
        this.headDim = config.headDim();
        this.half = headDim / 2;
        double[] invFreq = RopeScaling.inverseFrequencies(headDim, config.ropeTheta(), config.ropeScaling());
        cos = new float[maxPositions * half];
        sin = new float[maxPositions * half];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < half; i++) {
                // HF computes the angle in fp32: (float) pos * (float) invFreq
                float angle = (float) p * (float) invFreq[i];
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
    }

    /** Rotates {@code count} heads stored back to back in {@code v} from {@code offset}, at position {@code pos}. */
    public void rotate(float[] v, int offset, int count, int pos) {
        int base = pos * half;
        for (int h = 0; h < count; h++) {
            int o = offset + h * headDim;
            for (int i = 0; i < half; i++) {
                float c = cos[base + i];
                float s = sin[base + i];
                float a = v[o + i];
                float b = v[o + i + half];
                v[o + i] = a * c - b * s;
                v[o + i + half] = b * c + a * s;
            }
        }
    }
}

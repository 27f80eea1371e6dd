package dev.ternary.infer.runtime;

/**
 * Root-mean-square layer norm as in Hugging Face's LlamaRMSNorm: {@code y = x / sqrt(mean(x²) + eps) * w},
 * computed in fp32 (HF upcasts to fp32 for this too). The sum of squares is accumulated in double, so the
 * result does not depend on how a JIT vectorizes the loop.
 */
public final class RmsNorm {
    private RmsNorm() {}

    /** Normalizes {@code src[srcOffset..+n)} into {@code dst[dstOffset..+n)}; src and dst may be the same. */
    public static void apply(float[] src, int srcOffset, float[] weight, float eps, float[] dst, int dstOffset, int n) {
        double ss = 0;
        for (int i = 0; i < n; i++) {
            float value = src[srcOffset + i];
            ss += value * value;
        }
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) {
            dst[dstOffset + i] = src[srcOffset + i] * inv * weight[i];
        }
    }
}

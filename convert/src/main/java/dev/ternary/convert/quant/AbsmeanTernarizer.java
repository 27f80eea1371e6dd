package dev.ternary.convert.quant;

/**
 * BitNet b1.58 weight quantization (Ma et al. 2024, "The Era of 1-bit LLMs", eq. 1–3), per tensor:
 * {@code s = max(mean|W|, 1e-5)}, {@code T = clamp(round(W / s), -1, 1)}.
 *
 * <p>Like Hugging Face's {@code WeightQuant}, the division is done as a multiplication by {@code 1/s} in fp32 and
 * rounding is half-to-even ({@code torch.round}); with the clamp, that is: {@code |w/s| > 0.5} gives ±1 and
 * exactly 0.5 gives 0. The absolute sum is accumulated in double so the scale does not depend on how a tensor is
 * split across threads or rows (for 16-bit inputs it is exact).
 */
public final class AbsmeanTernarizer {
    /** Lower bound of the scale, as in the reference implementation, so an all-zero tensor stays finite. */
    public static final float MIN_SCALE = 1e-5f;

    private AbsmeanTernarizer() {}

    /** Σ|x| over {@code values[0..count)} in double. */
    public static double absSum(float[] values, int count) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        int i = 0;
        for (; i + 3 < count; i += 4) {
            a0 += Math.abs(values[i]);
            a1 += Math.abs(values[i + 1]);
            a2 += Math.abs(values[i + 2]);
            a3 += Math.abs(values[i + 3]);
        }
        for (; i < count; i++) {
            a0 += Math.abs(values[i]);
        }
        return (a0 + a1) + (a2 + a3);
    }

    /** The absmean scale {@code s} (the multiplier stored as {@code weight_scale}) from a tensor's Σ|w|. */
    public static float scale(double absSum, long elementCount) {
        if (elementCount <= 0) {
            throw new IllegalArgumentException("empty tensor");
        }
        float mean = (float) (absSum / elementCount);
        return Math.max(mean, MIN_SCALE);
    }

    /** Writes {@code T[i] = clamp(round(values[i] * inverseScale), -1, 1)} for {@code i < count}. */
    public static void ternarize(float[] values, int count, float inverseScale, byte[] trits) {
        for (int i = 0; i < count; i++) {
            float x = values[i] * inverseScale;
            trits[i] = (byte) (x > 0.5f ? 1 : x < -0.5f ? -1 : 0);
        }
    }
}

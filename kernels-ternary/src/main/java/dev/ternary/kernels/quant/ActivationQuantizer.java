package dev.ternary.kernels.quant;

/**
 * Per-token absmax int8 quantization of activations, as BitNet b1.58 does before every ternary linear.
 *
 * <p>Matches Hugging Face transformers' {@code ActQuant}/{@code activation_quant}: {@code scale = 127 / max(max|x|,
 * 1e-5)} computed in fp32, {@code q = clamp(round(x * scale), -128, 127)} with torch's round-half-to-even
 * ({@link Math#rint}). The kernels later multiply the integer dot product by {@code max|x| / 127}.
 */
public final class ActivationQuantizer {
    /** Lower clamp of {@code max|x|}, as in Hugging Face's {@code clamp_(min=1e-5)}. */
    public static final float MIN_ABS_MAX = 1e-5f;

    private ActivationQuantizer() {}

    /**
     * Quantizes {@code x[offset .. offset + dst.cols())} into token {@code token} of {@code dst}.
     *
     * @return {@code max|x|} after clamping (the value {@link Int8Activations#absMax(int)} then reports)
     */
    public static float quantize(float[] x, int offset, Int8Activations dst, int token) {
        int cols = dst.cols();
        java.util.Objects.checkFromIndexSize(offset, cols, x.length);
        java.util.Objects.checkIndex(token, dst.capacity());
        float max = 0f;
        for (int i = 0; i < cols; i++) {
            max = Math.max(max, Math.abs(x[offset + i]));
        }
        max = Math.max(max, MIN_ABS_MAX);
        float scale = 127f / max;
        byte[] q = dst.q();
        int base = token * dst.stride();
        for (int i = 0; i < cols; i++) {
            q[base + i] = quantizeOne(x[offset + i], scale);
        }
        dst.set(token, max);
        return max;
    }

    /**
     * Quantizes {@code tokens} consecutive rows of {@code x} (row {@code t} at {@code t * dst.cols()}) into tokens
     * {@code 0 .. tokens-1} of {@code dst}.
     */
    public static void quantizeBlock(float[] x, int tokens, Int8Activations dst) {
        if (tokens > dst.capacity()) {
            throw new IllegalArgumentException(tokens + " tokens exceed capacity " + dst.capacity());
        }
        for (int t = 0; t < tokens; t++) {
            quantize(x, t * dst.cols(), dst, t);
        }
    }

    /** One value: {@code clamp(rint(v * scale), -128, 127)}. */
    public static byte quantizeOne(float v, float scale) {
        float r = (float) Math.rint(v * scale);
        return (byte) Math.max(-128f, Math.min(127f, r));
    }
}

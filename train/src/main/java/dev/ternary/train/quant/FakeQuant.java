package dev.ternary.train.quant;

import ai.djl.ndarray.NDArray;
import dev.ternary.convert.quant.AbsmeanTernarizer;

/**
 * BitNet b1.58 quantizers as differentiable "fake quantization" (quantize, then dequantize back to float), the
 * form quantization-aware training needs. The formulas are those of Ma et al. 2024 ("The Era of 1-bit LLMs",
 * eq. 1–3 and §2) and of Hugging Face's {@code integrations/bitnet.py} ({@code WeightQuant}, {@code ActQuant});
 * the weight side is the same absmean rule {@code ternary convert} applies ({@link AbsmeanTernarizer}), so a
 * student trained here at λ = 1 computes with exactly the weights the converter writes.
 */
public final class FakeQuant {
    /** Activations: per-token absmax to the int8 range (the paper's 8-bit activations). */
    public static final float ACTIVATION_LEVELS = 127f;
    /** Floor of the activation absmax, as in HF's ActQuant, so an all-zero token stays finite. */
    public static final float MIN_ABSMAX = 1e-5f;

    private FakeQuant() {}

    /** Per-tensor absmean ternary: {@code s = max(mean|w|, 1e-5)}, {@code clamp(round(w/s), -1, 1)·s}. */
    public static NDArray ternaryWeights(NDArray w) {
        NDArray scale = w.abs().mean().maximum(AbsmeanTernarizer.MIN_SCALE);
        return w.div(scale).round().clip(-1, 1).mul(scale);
    }

    /**
     * Per-token (last axis) absmax int8: {@code s = 127 / max(max|x|, 1e-5)}, {@code clamp(round(x·s), -128, 127)/s}.
     * {@code round} is half-to-even, as {@code torch.round}.
     */
    public static NDArray int8Activations(NDArray x) {
        NDArray scale = x.abs().max(new int[] {-1}, true).maximum(MIN_ABSMAX).getNDArrayInternal().rdiv(ACTIVATION_LEVELS);
        return x.mul(scale).round().clip(-128, 127).div(scale);
    }

    /**
     * The straight-through estimator with warm-up: {@code x + λ·(q − x).stopGradient()}. Forward it is
     * {@code (1−λ)·x + λ·q}; backward the gradient passes to {@code x} unchanged, since rounding has no useful one.
     * λ = 0 returns {@code x} itself (no quantization cost while warming up from a full-precision start).
     */
    public static NDArray straightThrough(NDArray x, NDArray quantized, float lambda) {
        if (lambda == 1f) {
            return x.add(quantized.sub(x).stopGradient());
        }
        return x.add(quantized.sub(x).stopGradient().mul(lambda));
    }
}

package dev.ternary.train.quant;

/**
 * The quantization warm-up λ: {@code min(step / warmupSteps, 1)}, ramping a student from its full-precision
 * start to fully ternary (the recipe Hugging Face describes for fine-tuning to 1.58 bits, "Fine-tuning LLMs to
 * 1.58bit", 2024). With {@code warmupSteps = 0} training is fully quantized from the first step.
 */
public record QuantWarmup(long warmupSteps) {
    public QuantWarmup {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must not be negative");
        }
    }

    /** λ for a 0-based optimizer step. */
    public float lambda(long step) {
        if (warmupSteps == 0) {
            return 1f;
        }
        return (float) Math.min((double) step / warmupSteps, 1.0);
    }
}

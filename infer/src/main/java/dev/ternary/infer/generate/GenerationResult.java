package dev.ternary.infer.generate;

/**
 * One completion and how fast it was made.
 *
 * @param stopReason {@code eos} (an end token), {@code length} (max tokens) or {@code context} (context full)
 */
public record GenerationResult(String text, int[] tokens, int promptTokens, double prefillSeconds,
        double decodeSeconds, String stopReason) {

    public double prefillTokensPerSecond() {
        return prefillSeconds == 0 ? 0 : promptTokens / prefillSeconds;
    }

    /** Decode speed: every generated token after the first costs one forward pass. */
    public double decodeTokensPerSecond() {
        return decodeSeconds == 0 || tokens.length < 2 ? 0 : (tokens.length - 1) / decodeSeconds;
    }
}

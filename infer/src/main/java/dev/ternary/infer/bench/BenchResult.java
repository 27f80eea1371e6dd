package dev.ternary.infer.bench;

/**
 * Throughput of one model on this machine.
 *
 * @param weightBytes bytes of weights streamed per decoded token
 */
public record BenchResult(String model, String weights, int threads, int promptTokens, int genTokens,
        double prefillTokensPerSecond, double decodeTokensPerSecond, long weightBytes) {

    /** Weight bytes streamed per second while decoding. */
    public double decodeGigabytesPerSecond() {
        return decodeTokensPerSecond * weightBytes / 1e9;
    }
}

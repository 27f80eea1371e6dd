package dev.ternary.cli;

import dev.ternary.infer.sampling.SamplingOptions;
import picocli.CommandLine.Option;

/** Sampling options shared by chat and generate. */
final class SamplingMixin {
    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.7",
            description = "0 = greedy. Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "40", description = "0 = off. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.9", description = "1 = off. Default: ${DEFAULT-VALUE}.")
    double topP;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0", description = "0 = off. Default: ${DEFAULT-VALUE}.")
    double minP;

    @Option(names = "--repetition-penalty", paramLabel = "R", defaultValue = "1.1",
            description = "1 = off. Default: ${DEFAULT-VALUE}.")
    double repetitionPenalty;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed (default: random).")
    Long seed;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "256",
            description = "Most tokens to generate. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    SamplingOptions toSamplingOptions() {
        if (maxTokens < 1) {
            throw new dev.ternary.convert.InvalidInputException("--max-tokens must be at least 1, got " + maxTokens);
        }
        long s = seed != null ? seed : System.nanoTime();
        return new SamplingOptions(temperature, topK, topP, minP, repetitionPenalty, s);
    }
}

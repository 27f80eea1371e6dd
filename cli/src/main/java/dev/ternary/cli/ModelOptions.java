package dev.ternary.cli;

import dev.ternary.infer.model.LoadOptions;
import picocli.CommandLine.Option;

/** How to load a model for inference; shared by chat, generate, perplexity and bench. */
final class ModelOptions {
    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: number of cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--lm-head", paramLabel = "KIND", defaultValue = "auto",
            description = "Output projection: dense (as stored), q8 (int8 per row, half the bytes of bf16) or auto"
                    + " (q8 for ternary models, dense otherwise). Default: ${DEFAULT-VALUE}.")
    String lmHead;

    @Option(names = "--ternary-format", paramLabel = "FMT", defaultValue = "auto",
            description = "In-memory ternary layout: 2bit (lookup tables), bitplane (popcount; fastest with AVX-512"
                    + " VPOPCNTDQ), bitslice (1.6 bits/weight, decoded to bit planes; the faster 1.6-bit layout with"
                    + " VPOPCNTDQ), base3 (1.6 bits/weight, 5 trits per byte) or auto (bitplane where the CPU has"
                    + " VPOPCNTDQ and the JVM uses 512-bit vectors, else 2bit). Default: ${DEFAULT-VALUE}.")
    String ternaryFormat;

    @Option(names = "--ternarize",
            description = "Quantize a full-precision model's projections to ternary while loading.")
    boolean ternarize;

    /** @param contextLength KV-cache positions, 0 for the model's default */
    LoadOptions toLoadOptions(int contextLength) {
        return LoadOptions.defaults()
                .withThreads(threads)
                .withContextLength(contextLength)
                .withLmHead(lmHead)
                .withTernaryFormat(ternaryFormat)
                .withWeights(ternarize ? LoadOptions.WeightMode.TERNARY : LoadOptions.WeightMode.AS_STORED);
    }
}

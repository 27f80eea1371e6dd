package dev.ternary.infer.model;

import dev.ternary.convert.InvalidInputException;

/**
 * How to load a model for inference.
 *
 * @param threads       kernel threads (default: all cores)
 * @param contextLength KV-cache positions; 0 = min(the model's max_position_embeddings, 4096)
 * @param maxBlock      most prompt tokens per prefill block
 * @param lmHead        storage of the output projection: {@code bf16}/{@code f32} as stored, or {@code q8}
 * @param ternarize     quantize a full-precision model's projections to ternary at load (absmean, as convert does)
 * @param ternaryFormat kernel layout for ternary weights: {@code 2bit} (fastest) or {@code base3} (1.6 bits)
 */
public record LoadOptions(int threads, int contextLength, int maxBlock, String lmHead, boolean ternarize,
        String ternaryFormat) {

    public LoadOptions {
        if (threads < 1) {
            throw new InvalidInputException("--threads must be at least 1, got " + threads);
        }
        if (contextLength < 0) {
            throw new InvalidInputException("--context must be positive, got " + contextLength);
        }
        if (maxBlock < 1) {
            throw new InvalidInputException("prefill block must be at least 1 token");
        }
        if (!lmHead.equals("dense") && !lmHead.equals("q8")) {
            throw new InvalidInputException("--lm-head must be dense or q8, got '" + lmHead + "'");
        }
        if (!ternaryFormat.equals("2bit") && !ternaryFormat.equals("base3")) {
            throw new InvalidInputException("--ternary-format must be 2bit or base3, got '" + ternaryFormat + "'");
        }
    }

    public static LoadOptions defaults() {
        return new LoadOptions(Runtime.getRuntime().availableProcessors(), 0, 64, "dense", false, "2bit");
    }

    public LoadOptions withThreads(int n) {
        return new LoadOptions(n, contextLength, maxBlock, lmHead, ternarize, ternaryFormat);
    }

    public LoadOptions withContextLength(int n) {
        return new LoadOptions(threads, n, maxBlock, lmHead, ternarize, ternaryFormat);
    }

    public LoadOptions withMaxBlock(int n) {
        return new LoadOptions(threads, contextLength, n, lmHead, ternarize, ternaryFormat);
    }

    public LoadOptions withLmHead(String kind) {
        return new LoadOptions(threads, contextLength, maxBlock, kind, ternarize, ternaryFormat);
    }

    public LoadOptions withTernarize(boolean value) {
        return new LoadOptions(threads, contextLength, maxBlock, lmHead, value, ternaryFormat);
    }

    public LoadOptions withTernaryFormat(String value) {
        return new LoadOptions(threads, contextLength, maxBlock, lmHead, ternarize, value);
    }
}

package dev.ternary.infer.model;

import dev.ternary.convert.InvalidInputException;

/**
 * How to load a model for inference.
 *
 * @param threads       kernel threads (default: all cores)
 * @param contextLength KV-cache positions; 0 = min(the model's max_position_embeddings, 4096)
 * @param maxBlock      most prompt tokens per prefill block
 * @param lmHead        storage of the output projection: {@code dense} (as stored), {@code q8} (int8 per row), or
 *                      {@code auto}: q8 when the projections are ternary (a dense head would then be most of the
 *                      bytes streamed per token), dense otherwise
 * @param weights       {@code AS_STORED}; {@code TERNARY} quantizes full-precision projections at load (absmean, as
 *                      convert does); {@code DENSE} expands packed ternary projections to bf16 (the baseline)
 * @param ternaryFormat kernel layout for ternary weights: {@code auto} (the fastest 2-bit layout for this CPU),
 *                      {@code 2bit} (lookup tables), {@code bitplane} (popcount, for AVX-512 VPOPCNTDQ),
 *                      {@code bitslice} (1.6 bits, decoded to bit planes; the faster 1.6-bit layout with VPOPCNTDQ) or
 *                      {@code base3} (1.6 bits, 5 trits per byte)
 */
public record LoadOptions(int threads, int contextLength, int maxBlock, String lmHead, WeightMode weights,
        String ternaryFormat) {

    /** What to do with projection weights at load. */
    public enum WeightMode {
        AS_STORED,
        TERNARY,
        DENSE
    }

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
        if (!lmHead.equals("dense") && !lmHead.equals("q8") && !lmHead.equals("auto")) {
            throw new InvalidInputException("--lm-head must be auto, dense or q8, got '" + lmHead + "'");
        }
        TernaryFormats.byName(ternaryFormat); // rejects unknown names
    }

    public static LoadOptions defaults() {
        return new LoadOptions(Runtime.getRuntime().availableProcessors(), 0, 64, "auto", WeightMode.AS_STORED, "auto");
    }

    public LoadOptions withThreads(int n) {
        return new LoadOptions(n, contextLength, maxBlock, lmHead, weights, ternaryFormat);
    }

    public LoadOptions withContextLength(int n) {
        return new LoadOptions(threads, n, maxBlock, lmHead, weights, ternaryFormat);
    }

    public LoadOptions withMaxBlock(int n) {
        return new LoadOptions(threads, contextLength, n, lmHead, weights, ternaryFormat);
    }

    public LoadOptions withLmHead(String kind) {
        return new LoadOptions(threads, contextLength, maxBlock, kind, weights, ternaryFormat);
    }

    public LoadOptions withWeights(WeightMode value) {
        return new LoadOptions(threads, contextLength, maxBlock, lmHead, value, ternaryFormat);
    }

    public LoadOptions withTernaryFormat(String value) {
        return new LoadOptions(threads, contextLength, maxBlock, lmHead, weights, value);
    }
}

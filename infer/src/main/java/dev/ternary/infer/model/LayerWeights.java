package dev.ternary.infer.model;

import dev.ternary.infer.linear.Linear;

/**
 * One decoder layer's weights. Norm weights are small and stay as float arrays; optional parts are null when
 * the architecture has none (q/k/v biases: Qwen2 only; sub-norms: BitNet only).
 */
public record LayerWeights(
        float[] attentionNorm,
        Linear q,
        Linear k,
        Linear v,
        float[] qBias,
        float[] kBias,
        float[] vBias,
        float[] attentionSubNorm,
        Linear o,
        float[] ffnNorm,
        Linear gate,
        Linear up,
        float[] ffnSubNorm,
        Linear down) implements AutoCloseable {

    public java.util.List<Linear> linears() {
        return java.util.List.of(q, k, v, o, gate, up, down);
    }

    @Override
    public void close() {
        linears().forEach(Linear::close);
    }
}

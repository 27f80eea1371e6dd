package dev.ternary.train.model;

import ai.djl.ndarray.NDArray;
import dev.ternary.train.quant.QuantContext;

/** One pre-norm decoder layer: {@code h = x + attn(norm(x))}, {@code out = h + mlp(norm(h))}. */
public final class DecoderLayer {
    private final RmsNorm inputNorm;
    private final Attention attention;
    private final RmsNorm postAttentionNorm;
    private final GatedMlp mlp;

    public DecoderLayer(RmsNorm inputNorm, Attention attention, RmsNorm postAttentionNorm, GatedMlp mlp) {
        this.inputNorm = inputNorm;
        this.attention = attention;
        this.postAttentionNorm = postAttentionNorm;
        this.mlp = mlp;
    }

    public NDArray forward(NDArray x, QuantContext quant) {
        NDArray h = x.add(attention.forward(inputNorm.forward(x), quant));
        return h.add(mlp.forward(postAttentionNorm.forward(h), quant));
    }
}

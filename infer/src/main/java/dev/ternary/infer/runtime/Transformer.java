package dev.ternary.infer.runtime;

import dev.ternary.infer.model.LayerWeights;
import dev.ternary.infer.model.ModelConfig;
import dev.ternary.infer.model.ModelWeights;
import dev.ternary.kernels.parallel.KernelThreads;

/**
 * The decoder forward pass for the Llama family (Llama 2/3, Mistral, Qwen2) and BitNet b1.58, over a block of
 * consecutive tokens: one token while decoding, many during prefill so each weight matrix is streamed once per
 * block instead of once per token. Reads like the math, one layer at a time:
 *
 * <pre>
 *   x = embed(tokens)
 *   for each layer:
 *     h = rmsnorm(x);  q,k,v = Wq h (+b), Wk h (+b), Wv h (+b);  rope(q, k);  cache k, v
 *     a = causal softmax(q·k/√d) v   (grouped-query: kvHeads shared by heads/kvHeads query heads)
 *     x += Wo [subnorm](a)
 *     h = rmsnorm(x);  x += Wdown [subnorm](act(Wgate h) * Wup h)      act = SiLU, or ReLU² for BitNet
 *   logits = lm_head rmsnorm(x)
 * </pre>
 *
 * All buffers are allocated once for the largest block; a forward call allocates nothing. Not thread-safe: one
 * generation at a time per instance.
 */
public final class Transformer {
    private final ModelConfig c;
    private final ModelWeights w;
    private final Rope rope;
    private final KvCache cache;
    private final int maxBlock;

    private final float[] x;
    private final float[] h;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] attentionOut;
    private final Attention attention;
    private final float[] gate;
    private final float[] up;
    private final float[] lastHidden;
    private final float[] logits;

    /**
     * @param contextLength positions the KV cache holds
     * @param maxBlock      most tokens per forward call (prefill is split into blocks of this size)
     */
    public Transformer(ModelConfig config, ModelWeights weights, KernelThreads threads, int contextLength,
            int maxBlock) {
        this.c = config;
        this.w = weights;
        this.maxBlock = maxBlock;
        this.rope = new Rope(config, contextLength);
        this.cache = new KvCache(config.layers(), config.kvHeads(), config.headDim(), contextLength);
        x = new float[maxBlock * c.hiddenSize()];
        h = new float[maxBlock * Math.max(c.hiddenSize(), c.intermediateSize())];
        q = new float[maxBlock * c.qDim()];
        k = new float[maxBlock * c.kvDim()];
        v = new float[maxBlock * c.kvDim()];
        attentionOut = new float[maxBlock * c.qDim()];
        attention = new Attention(config, threads, contextLength);
        gate = new float[maxBlock * c.intermediateSize()];
        up = new float[maxBlock * c.intermediateSize()];
        lastHidden = new float[maxBlock * c.hiddenSize()];
        logits = new float[maxBlock * c.vocabSize()];
    }

    public ModelConfig config() {
        return c;
    }

    public int contextLength() {
        return cache.capacity();
    }

    public int maxBlock() {
        return maxBlock;
    }

    /**
     * Runs {@code count} tokens at positions {@code start..start+count-1} (the cache must hold positions before
     * {@code start}) and returns the logits buffer: {@code count * vocab} floats when {@code allLogits}, else the
     * last token's {@code vocab} floats at offset 0. The buffer is reused by the next call.
     */
    public float[] forward(int[] tokens, int tokenOffset, int count, int start, boolean allLogits) {
        if (count < 1 || count > maxBlock) {
            throw new IllegalArgumentException("block of " + count + " tokens; 1.." + maxBlock + " allowed");
        }
        if (start + count > cache.capacity()) {
            throw new IllegalArgumentException("position " + (start + count) + " exceeds the context length "
                    + cache.capacity());
        }
        int dim = c.hiddenSize();
        for (int t = 0; t < count; t++) {
            w.embedding().lookup(tokens[tokenOffset + t], x, t * dim);
        }
        for (int l = 0; l < c.layers(); l++) {
            attentionBlock(l, w.layers().get(l), count, start);
            feedForwardBlock(w.layers().get(l), count);
        }
        int first = allLogits ? 0 : count - 1;
        int rows = count - first;
        for (int t = first; t < count; t++) {
            RmsNorm.apply(x, t * dim, w.finalNorm(), c.rmsNormEps(), lastHidden, (t - first) * dim, dim);
        }
        w.lmHead().forward(lastHidden, logits, rows);
        return logits;
    }

    private void attentionBlock(int layer, LayerWeights lw, int count, int start) {
        int dim = c.hiddenSize();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        for (int t = 0; t < count; t++) {
            RmsNorm.apply(x, t * dim, lw.attentionNorm(), c.rmsNormEps(), h, t * dim, dim);
        }
        lw.q().forward(h, q, count);
        lw.k().forward(h, k, count);
        lw.v().forward(h, v, count);
        for (int t = 0; t < count; t++) {
            if (lw.qBias() != null) {
                addBias(q, t * qDim, lw.qBias());
                addBias(k, t * kvDim, lw.kBias());
                addBias(v, t * kvDim, lw.vBias());
            }
            rope.rotate(q, t * qDim, c.heads(), start + t);
            rope.rotate(k, t * kvDim, c.kvHeads(), start + t);
            cache.put(layer, start + t, k, t * kvDim, v, t * kvDim);
        }
        attention.apply(q, cache, layer, count, start, attentionOut);
        if (lw.attentionSubNorm() != null) {
            for (int t = 0; t < count; t++) {
                RmsNorm.apply(attentionOut, t * qDim, lw.attentionSubNorm(), c.rmsNormEps(), attentionOut, t * qDim,
                        qDim);
            }
        }
        lw.o().forward(attentionOut, h, count);
        for (int i = 0; i < count * dim; i++) {
            x[i] += h[i];
        }
    }

    private void feedForwardBlock(LayerWeights lw, int count) {
        int dim = c.hiddenSize();
        int ffn = c.intermediateSize();
        for (int t = 0; t < count; t++) {
            RmsNorm.apply(x, t * dim, lw.ffnNorm(), c.rmsNormEps(), h, t * dim, dim);
        }
        lw.gate().forward(h, gate, count);
        lw.up().forward(h, up, count);
        GatedActivation.apply(c.activation(), gate, up, count * ffn);
        if (lw.ffnSubNorm() != null) {
            for (int t = 0; t < count; t++) {
                RmsNorm.apply(gate, t * ffn, lw.ffnSubNorm(), c.rmsNormEps(), gate, t * ffn, ffn);
            }
        }
        lw.down().forward(gate, h, count);
        for (int i = 0; i < count * dim; i++) {
            x[i] += h[i];
        }
    }

    private static void addBias(float[] v, int offset, float[] bias) {
        for (int i = 0; i < bias.length; i++) {
            v[offset + i] += bias[i];
        }
    }
}

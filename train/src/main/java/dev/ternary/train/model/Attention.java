package dev.ternary.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.ternary.train.quant.QuantContext;
import java.util.HashMap;
import java.util.Map;

/**
 * Causal self-attention with grouped-query heads (Ainslie et al. 2023): {@code heads} query heads share
 * {@code kvHeads} key/value heads, each kv head serving {@code heads / kvHeads} consecutive query heads
 * (transformers' {@code repeat_kv}). BitNet adds an RMSNorm on the attention output before o_proj.
 */
public final class Attention {
    private final Projection q;
    private final Projection k;
    private final Projection v;
    private final Projection o;
    private final RmsNorm subNorm;
    private final RotaryEmbedding rope;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final NDManager manager;
    private final Map<Integer, NDArray> masks = new HashMap<>();

    public Attention(Projection q, Projection k, Projection v, Projection o, RmsNorm subNorm, RotaryEmbedding rope,
            int heads, int kvHeads, int headDim, NDManager manager) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.o = o;
        this.subNorm = subNorm;
        this.rope = rope;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.manager = manager;
    }

    /** {@code x [batch, T, hidden]} → {@code [batch, T, hidden]}. */
    public NDArray forward(NDArray x, QuantContext quant) {
        long batch = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray query = rope.apply(q.forward(x, quant).reshape(batch, t, heads, headDim).transpose(0, 2, 1, 3));
        NDArray key = rope.apply(k.forward(x, quant).reshape(batch, t, kvHeads, headDim).transpose(0, 2, 1, 3));
        NDArray value = v.forward(x, quant).reshape(batch, t, kvHeads, headDim).transpose(0, 2, 1, 3);
        if (kvHeads != heads) {
            int group = heads / kvHeads;
            key = key.expandDims(2).repeat(2, group).reshape(batch, heads, t, headDim);
            value = value.expandDims(2).repeat(2, group).reshape(batch, heads, t, headDim);
        }
        NDArray scores = query.matMul(key.transpose(0, 1, 3, 2)).div(Torch.scalar(manager, (float) Math.sqrt(headDim)))
                .add(causalMask(Math.toIntExact(t)));
        NDArray attended = scores.softmax(-1).matMul(value).transpose(0, 2, 1, 3).reshape(batch, t, heads * headDim);
        if (subNorm != null) {
            attended = subNorm.forward(attended);
        }
        return o.forward(attended, quant);
    }

    /** {@code [T, T]}: 0 where a position may attend (itself and earlier), −∞ after it. */
    private synchronized NDArray causalMask(int t) {
        NDArray mask = masks.get(t);
        if (mask == null) {
            float[] m = new float[t * t];
            for (int i = 0; i < t; i++) {
                for (int j = i + 1; j < t; j++) {
                    m[i * t + j] = Float.NEGATIVE_INFINITY;
                }
            }
            mask = manager.create(m, new Shape(t, t));
            NDScope.unregister(mask);
            masks.put(t, mask);
        }
        return mask;
    }
}

package dev.ternary.infer.runtime;

import dev.ternary.infer.model.ModelConfig;
import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.parallel.RangeTask;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal grouped-query attention over the KV cache: for each token and head
 * {@code out = softmax(q·K / sqrt(d)) V} over positions {@code 0..position}. Query heads share the KV head
 * {@code head / (heads / kvHeads)}. A work item is a token and two adjacent heads; items are claimed by the kernel
 * threads in chunks (a later token attends to more positions, so equal splits are unequal work); per-worker score
 * buffers mean a call allocates nothing.
 *
 * <p>All three steps are vector loops without horizontal sums: the scores of a tile of {@link #BLOCK} positions are
 * four FMA chains per head over the query's components against the cache's transposed key tiles ({@link KvCache});
 * the softmax exponentials are vector {@code EXP}s; the weighted sum of values keeps four vectors of each head's
 * output in registers while it runs over the positions. Written as one dot product per position, a scalar
 * {@code Math.exp} and an {@code y += a x} per position, attention took about 40% of a 1,024-token prefill of llama-1b
 * (docs/BENCHMARKS.md, session 20).
 */
final class Attention implements RangeTask {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Positions per key tile: four vectors, four independent FMA chains. */
    static final int BLOCK = 4 * L;

    private final ModelConfig c;
    private final KernelThreads threads;
    private final float[][] scores;
    private final float scale;

    // the call in progress (set before threads.run, read by workers)
    private float[] q;
    private KvCache cache;
    private float[] keys;
    private float[] values;
    private float[] out;
    private int start;

    Attention(ModelConfig config, KernelThreads threads, int contextLength) {
        this.c = config;
        this.threads = threads;
        this.scores = new float[2 * threads.size()][Math.ceilDiv(contextLength, BLOCK) * BLOCK];
        this.scale = (float) (1.0 / Math.sqrt(config.headDim()));
    }

    /**
     * Attention for {@code count} tokens at positions {@code start..}, queries in {@code q} ({@code count * qDim}),
     * results into {@code out} (same layout). The cache must already hold those positions' keys and values.
     */
    void apply(float[] q, KvCache cache, int layer, int count, int start, float[] out) {
        this.q = q;
        this.cache = cache;
        this.keys = cache.keys(layer);
        this.values = cache.values(layer);
        this.out = out;
        this.start = start;
        int items = count * pairsPerToken();
        threads.runClaimed(items, threads.grain(items, 1), this);
        this.q = this.keys = this.values = this.out = null;
        this.cache = null;
    }

    @Override
    public void run(int from, int to, int worker) {
        float[] s0 = scores[2 * worker];
        float[] s1 = scores[2 * worker + 1];
        int pairs = pairsPerToken();
        for (int item = from; item < to; item++) {
            int t = item / pairs;
            int h0 = 2 * (item % pairs);
            int h1 = Math.min(h0 + 1, c.heads() - 1); // an odd last head is done twice, written twice alike
            headPair(t, h0, h1, start + t, s0, s1);
        }
    }

    private int pairsPerToken() {
        return (c.heads() + 1) / 2;
    }

    /**
     * Two query heads at once: each key and value vector is loaded for both, so where they share a KV head the
     * second load hits L1 and the cache's traffic from L2 halves (attention is L2-bound at long contexts).
     */
    private void headPair(int t, int h0, int h1, int position, float[] s0, float[] s1) {
        int d = c.headDim();
        int group = c.heads() / c.kvHeads();
        int kv0 = h0 / group, kv1 = h1 / group;
        int q0 = t * c.qDim() + h0 * d, q1 = t * c.qDim() + h1 * d;
        int positions = position + 1;
        scores(q0, kv0, q1, kv1, positions, s0, s1);
        float inv0 = 1f / softmax(s0, positions);
        float inv1 = 1f / softmax(s1, positions);
        weightedValues(s0, kv0 * d, inv0, q0, s1, kv1 * d, inv1, q1, positions);
    }

    /**
     * {@code s[p] = q·k_p * scale} for {@code p < positions} and both heads, whole tiles (the tail of the last one is
     * unused): per query component, one broadcast per head and four FMAs per head into its four chains.
     */
    private void scores(int q0, int kv0, int q1, int kv1, int positions, float[] s0, float[] s1) {
        int d = c.headDim();
        for (int tile = 0; tile * BLOCK < positions; tile++) {
            int k0 = cache.keyTile(kv0, tile), k1 = cache.keyTile(kv1, tile);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int i = 0; i < d; i++, k0 += BLOCK, k1 += BLOCK) {
                FloatVector x = FloatVector.broadcast(F, q[q0 + i]);
                a0 = FloatVector.fromArray(F, keys, k0).fma(x, a0);
                a1 = FloatVector.fromArray(F, keys, k0 + L).fma(x, a1);
                a2 = FloatVector.fromArray(F, keys, k0 + 2 * L).fma(x, a2);
                a3 = FloatVector.fromArray(F, keys, k0 + 3 * L).fma(x, a3);
                FloatVector y = FloatVector.broadcast(F, q[q1 + i]);
                b0 = FloatVector.fromArray(F, keys, k1).fma(y, b0);
                b1 = FloatVector.fromArray(F, keys, k1 + L).fma(y, b1);
                b2 = FloatVector.fromArray(F, keys, k1 + 2 * L).fma(y, b2);
                b3 = FloatVector.fromArray(F, keys, k1 + 3 * L).fma(y, b3);
            }
            int p = tile * BLOCK;
            a0.mul(scale).intoArray(s0, p);
            a1.mul(scale).intoArray(s0, p + L);
            a2.mul(scale).intoArray(s0, p + 2 * L);
            a3.mul(scale).intoArray(s0, p + 3 * L);
            b0.mul(scale).intoArray(s1, p);
            b1.mul(scale).intoArray(s1, p + L);
            b2.mul(scale).intoArray(s1, p + 2 * L);
            b3.mul(scale).intoArray(s1, p + 3 * L);
        }
    }

    /** Replaces {@code s[0..n)} by {@code exp(s - max)} and returns their sum. */
    static float softmax(float[] s, int n) {
        FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int p = 0;
        for (; p + L <= n; p += L) {
            vmax = vmax.max(FloatVector.fromArray(F, s, p));
        }
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (int i = p; i < n; i++) {
            max = Math.max(max, s[i]);
        }
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector vsum = FloatVector.zero(F);
        for (p = 0; p + L <= n; p += L) {
            FloatVector e = FloatVector.fromArray(F, s, p).sub(m).lanewise(VectorOperators.EXP);
            e.intoArray(s, p);
            vsum = vsum.add(e);
        }
        float sum = vsum.reduceLanes(VectorOperators.ADD);
        for (; p < n; p++) {
            float e = (float) Math.exp(s[p] - max);
            s[p] = e;
            sum += e;
        }
        return sum;
    }

    /**
     * {@code out[o..o+d) = inv * sum_p w[p] v_p} for both heads, over their KV heads' values (at {@code v0}, {@code v1}
     * in each position): four output vectors per head in registers (eight FMA chains) while the positions run.
     */
    private void weightedValues(float[] w0, int v0, float inv0, int o0, float[] w1, int v1, float inv1, int o1,
                                int positions) {
        int d = c.headDim();
        int kvDim = c.kvDim();
        int col = 0;
        for (; col + 4 * L <= d; col += 4 * L) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int p = 0, x = v0 + col, y = v1 + col; p < positions; p++, x += kvDim, y += kvDim) {
                FloatVector u = FloatVector.broadcast(F, w0[p]);
                a0 = FloatVector.fromArray(F, values, x).fma(u, a0);
                a1 = FloatVector.fromArray(F, values, x + L).fma(u, a1);
                a2 = FloatVector.fromArray(F, values, x + 2 * L).fma(u, a2);
                a3 = FloatVector.fromArray(F, values, x + 3 * L).fma(u, a3);
                FloatVector z = FloatVector.broadcast(F, w1[p]);
                b0 = FloatVector.fromArray(F, values, y).fma(z, b0);
                b1 = FloatVector.fromArray(F, values, y + L).fma(z, b1);
                b2 = FloatVector.fromArray(F, values, y + 2 * L).fma(z, b2);
                b3 = FloatVector.fromArray(F, values, y + 3 * L).fma(z, b3);
            }
            a0.mul(inv0).intoArray(out, o0 + col);
            a1.mul(inv0).intoArray(out, o0 + col + L);
            a2.mul(inv0).intoArray(out, o0 + col + 2 * L);
            a3.mul(inv0).intoArray(out, o0 + col + 3 * L);
            b0.mul(inv1).intoArray(out, o1 + col);
            b1.mul(inv1).intoArray(out, o1 + col + L);
            b2.mul(inv1).intoArray(out, o1 + col + 2 * L);
            b3.mul(inv1).intoArray(out, o1 + col + 3 * L);
        }
        for (; col + L <= d; col += L) {
            FloatVector a = FloatVector.zero(F), b = a;
            for (int p = 0, x = v0 + col, y = v1 + col; p < positions; p++, x += kvDim, y += kvDim) {
                a = FloatVector.fromArray(F, values, x).fma(FloatVector.broadcast(F, w0[p]), a);
                b = FloatVector.fromArray(F, values, y).fma(FloatVector.broadcast(F, w1[p]), b);
            }
            a.mul(inv0).intoArray(out, o0 + col);
            b.mul(inv1).intoArray(out, o1 + col);
        }
        for (; col < d; col++) {
            float a = 0, b = 0;
            for (int p = 0, x = v0 + col, y = v1 + col; p < positions; p++, x += kvDim, y += kvDim) {
                a += w0[p] * values[x];
                b += w1[p] * values[y];
            }
            out[o0 + col] = a * inv0;
            out[o1 + col] = b * inv1;
        }
    }
}

package dev.ternary.infer.runtime;

import dev.ternary.infer.model.ModelConfig;
import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.parallel.RangeTask;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal grouped-query attention over the KV cache: for each (token, head) pair
 * {@code out = softmax(q·K / sqrt(d)) V} over positions {@code 0..position}. Query heads share the KV head
 * {@code head / (heads / kvHeads)}. Pairs are claimed by the kernel threads in chunks (a later token attends to more
 * positions, so equal splits of the pairs are unequal work); per-worker score buffers mean a call allocates nothing.
 *
 * <p>All three steps are vector loops without horizontal sums: the scores of a tile of {@link #BLOCK} positions are
 * four FMA chains over the query's components against the cache's transposed key tiles ({@link KvCache}); the
 * softmax exponentials are vector {@code EXP}s; the weighted sum of values keeps four vectors of the output in
 * registers while it runs over the positions. Written as one dot product per position, a scalar {@code Math.exp} and
 * an {@code y += a x} per position, attention took about 40% of a 1,024-token prefill of llama-1b
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
        this.scores = new float[threads.size()][Math.ceilDiv(contextLength, BLOCK) * BLOCK];
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
        int pairs = count * c.heads();
        threads.runClaimed(pairs, threads.grain(pairs, 1), this);
        this.q = this.keys = this.values = this.out = null;
        this.cache = null;
    }

    @Override
    public void run(int from, int to, int worker) {
        float[] s = scores[worker];
        for (int pair = from; pair < to; pair++) {
            int t = pair / c.heads();
            int head = pair % c.heads();
            head(t, head, start + t, s);
        }
    }

    private void head(int t, int head, int position, float[] s) {
        int d = c.headDim();
        int kvHead = head / (c.heads() / c.kvHeads());
        int qOffset = t * c.qDim() + head * d;
        int positions = position + 1;
        scores(qOffset, kvHead, positions, s);
        float inv = 1f / softmax(s, positions);
        weightedValues(s, positions, kvHead * d, inv, qOffset);
    }

    /** {@code s[p] = q·k_p * scale} for {@code p < positions}, whole tiles (the tail of the last one is unused). */
    private void scores(int qOffset, int kvHead, int positions, float[] s) {
        int d = c.headDim();
        for (int tile = 0; tile * BLOCK < positions; tile++) {
            int k = cache.keyTile(kvHead, tile);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0; i < d; i++, k += BLOCK) {
                FloatVector qi = FloatVector.broadcast(F, q[qOffset + i]);
                a0 = FloatVector.fromArray(F, keys, k).fma(qi, a0);
                a1 = FloatVector.fromArray(F, keys, k + L).fma(qi, a1);
                a2 = FloatVector.fromArray(F, keys, k + 2 * L).fma(qi, a2);
                a3 = FloatVector.fromArray(F, keys, k + 3 * L).fma(qi, a3);
            }
            int p = tile * BLOCK;
            a0.mul(scale).intoArray(s, p);
            a1.mul(scale).intoArray(s, p + L);
            a2.mul(scale).intoArray(s, p + 2 * L);
            a3.mul(scale).intoArray(s, p + 3 * L);
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

    /** {@code out[o..o+d) = inv * sum_p w[p] v_p} over the KV head's values (at {@code vOffset} in each position). */
    private void weightedValues(float[] w, int positions, int vOffset, float inv, int o) {
        int d = c.headDim();
        int kvDim = c.kvDim();
        int col = 0;
        for (; col + 4 * L <= d; col += 4 * L) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int p = 0, v = vOffset + col; p < positions; p++, v += kvDim) {
                FloatVector wp = FloatVector.broadcast(F, w[p]);
                a0 = FloatVector.fromArray(F, values, v).fma(wp, a0);
                a1 = FloatVector.fromArray(F, values, v + L).fma(wp, a1);
                a2 = FloatVector.fromArray(F, values, v + 2 * L).fma(wp, a2);
                a3 = FloatVector.fromArray(F, values, v + 3 * L).fma(wp, a3);
            }
            a0.mul(inv).intoArray(out, o + col);
            a1.mul(inv).intoArray(out, o + col + L);
            a2.mul(inv).intoArray(out, o + col + 2 * L);
            a3.mul(inv).intoArray(out, o + col + 3 * L);
        }
        for (; col + L <= d; col += L) {
            FloatVector a = FloatVector.zero(F);
            for (int p = 0, v = vOffset + col; p < positions; p++, v += kvDim) {
                a = FloatVector.fromArray(F, values, v).fma(FloatVector.broadcast(F, w[p]), a);
            }
            a.mul(inv).intoArray(out, o + col);
        }
        for (; col < d; col++) {
            float a = 0;
            for (int p = 0, v = vOffset + col; p < positions; p++, v += kvDim) {
                a += w[p] * values[v];
            }
            out[o + col] = a * inv;
        }
    }
}

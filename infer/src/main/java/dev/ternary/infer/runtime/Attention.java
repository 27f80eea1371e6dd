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
 * {@code head / (heads / kvHeads)}. Pairs are split across the kernel threads, dot products and the weighted
 * sum of values use the Vector API; per-worker score buffers mean a call allocates nothing.
 */
final class Attention implements RangeTask {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final ModelConfig c;
    private final KernelThreads threads;
    private final float[][] scores;
    private final float scale;

    // the call in progress (set before threads.run, read by workers)
    private float[] q;
    private float[] keys;
    private float[] values;
    private float[] out;
    private int start;

    Attention(ModelConfig config, KernelThreads threads, int contextLength) {
        this.c = config;
        this.threads = threads;
        this.scores = new float[threads.size()][contextLength];
        this.scale = (float) (1.0 / Math.sqrt(config.headDim()));
    }

    /**
     * Attention for {@code count} tokens at positions {@code start..}, queries in {@code q} ({@code count * qDim}),
     * results into {@code out} (same layout). The cache must already hold those positions' keys and values.
     */
    void apply(float[] q, float[] keys, float[] values, int count, int start, float[] out) {
        this.q = q;
        this.keys = keys;
        this.values = values;
        this.out = out;
        this.start = start;
        threads.run(count * c.heads(), this);
        this.q = this.keys = this.values = this.out = null;
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
        int kvDim = c.kvDim();
        int qOffset = t * c.qDim() + head * d;
        int kvOffset = (head / (c.heads() / c.kvHeads())) * d;
        float max = Float.NEGATIVE_INFINITY;
        for (int p = 0; p <= position; p++) {
            float dot = dot(q, qOffset, keys, p * kvDim + kvOffset, d) * scale;
            s[p] = dot;
            max = Math.max(max, dot);
        }
        float sum = 0;
        for (int p = 0; p <= position; p++) {
            float e = (float) Math.exp(s[p] - max);
            s[p] = e;
            sum += e;
        }
        float inv = 1f / sum;
        int o = qOffset;
        java.util.Arrays.fill(out, o, o + d, 0f);
        for (int p = 0; p <= position; p++) {
            axpy(s[p] * inv, values, p * kvDim + kvOffset, out, o, d);
        }
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    /** {@code y += a * x} over {@code n} elements. */
    static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(F, a);
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xo + i).fma(va, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }
}

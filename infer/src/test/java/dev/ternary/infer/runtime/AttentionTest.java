package dev.ternary.infer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ternary.convert.model.Architecture;
import dev.ternary.convert.model.MlpActivation;
import dev.ternary.infer.model.ModelConfig;
import dev.ternary.kernels.parallel.KernelThreads;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vectorized attention against {@link ReferenceForward}'s fp64 attention over many key tiles, with head sizes
 * that leave every tail of its loops (positions past the last whole vector, output components past the last 4-vector
 * and 1-vector groups).
 */
class AttentionTest {
    private static ModelConfig config(int heads, int kvHeads, int headDim) {
        return new ModelConfig(Architecture.LLAMA, 16, heads * headDim, 1, heads, kvHeads, headDim, 16, 4096, 1e-5f,
                10000, Optional.empty(), MlpActivation.SILU, false, false, false, 1, List.of(2));
    }

    @Test
    void matchesAPlainSoftmaxOverManyTiles() {
        int vector = Attention.BLOCK / 4;
        for (int headDim : new int[] {4 * vector, 5 * vector + 3, 3}) {
            for (int threads : new int[] {1, 2}) {
                // heads paired within a KV head; an odd last head; pairs across KV heads
                check(config(4, 2, headDim), 3 * Attention.BLOCK + 5, threads);
                check(config(3, 1, headDim), 2 * Attention.BLOCK + 1, threads);
                check(config(3, 3, headDim), Attention.BLOCK + 2, threads);
            }
        }
    }

    private static void check(ModelConfig c, int tokens, int threadCount) {
        Random random = new Random(tokens * 31L + c.headDim());
        int context = tokens + 7;
        KvCache cache = new KvCache(1, c.kvHeads(), c.headDim(), context);
        float[] keys = new float[tokens * c.kvDim()];
        float[] values = new float[tokens * c.kvDim()];
        float[] q = new float[tokens * c.qDim()];
        fill(keys, random);
        fill(values, random);
        fill(q, random);
        for (int p = 0; p < tokens; p++) {
            cache.put(0, p, keys, p * c.kvDim(), values, p * c.kvDim());
        }
        float[] out = new float[tokens * c.qDim()];
        try (KernelThreads threads = threadCount == 1 ? KernelThreads.single() : new KernelThreads(threadCount)) {
            // the last tokens one at a time, as decoding does; the rest as one prefill block
            int block = tokens - 3;
            new Attention(c, threads, context).apply(q, cache, 0, block, 0, out);
            for (int t = block; t < tokens; t++) {
                float[] qt = java.util.Arrays.copyOfRange(q, t * c.qDim(), (t + 1) * c.qDim());
                float[] ot = new float[c.qDim()];
                new Attention(c, threads, context).apply(qt, cache, 0, 1, t, ot);
                System.arraycopy(ot, 0, out, t * c.qDim(), c.qDim());
            }
        }
        double[][] qs = rows(q, tokens, c.qDim());
        double[][] ks = rows(keys, tokens, c.kvDim());
        double[][] vs = rows(values, tokens, c.kvDim());
        for (int t = 0; t < tokens; t++) {
            double[] expected = ReferenceForward.attention(qs, ks, vs, t, c.heads(), c.kvHeads(), c.headDim());
            for (int i = 0; i < c.qDim(); i++) {
                assertEquals(expected[i], out[t * c.qDim() + i], 1e-5,
                        c.heads() + "/" + c.kvHeads() + " heads, headDim " + c.headDim() + " token " + t + " component "
                                + i);
            }
        }
    }

    private static double[][] rows(float[] a, int n, int width) {
        double[][] rows = new double[n][width];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < width; i++) {
                rows[r][i] = a[r * width + i];
            }
        }
        return rows;
    }

    private static void fill(float[] a, Random random) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
    }
}

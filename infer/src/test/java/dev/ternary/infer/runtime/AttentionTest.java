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
 * The vectorized attention against a plain fp64 softmax over many key tiles, with head sizes that leave every tail of
 * its loops (positions past the last whole vector, output components past the last 4-vector and 1-vector groups).
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
                check(config(4, 2, headDim), 3 * Attention.BLOCK + 5, threads);
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
        int d = c.headDim();
        int group = c.heads() / c.kvHeads();
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < c.heads(); h++) {
                int kv = (h / group) * d;
                double[] s = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int p = 0; p <= t; p++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += (double) q[t * c.qDim() + h * d + i] * keys[p * c.kvDim() + kv + i];
                    }
                    s[p] = dot / Math.sqrt(d);
                    max = Math.max(max, s[p]);
                }
                double sum = 0;
                for (int p = 0; p <= t; p++) {
                    s[p] = Math.exp(s[p] - max);
                    sum += s[p];
                }
                for (int i = 0; i < d; i++) {
                    double expected = 0;
                    for (int p = 0; p <= t; p++) {
                        expected += s[p] / sum * values[p * c.kvDim() + kv + i];
                    }
                    assertEquals(expected, out[t * c.qDim() + h * d + i], 1e-5,
                            "headDim " + d + " token " + t + " head " + h + " component " + i);
                }
            }
        }
    }

    private static void fill(float[] a, Random random) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
    }
}

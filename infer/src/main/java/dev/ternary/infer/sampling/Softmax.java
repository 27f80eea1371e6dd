package dev.ternary.infer.sampling;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two passes of a softmax over a vocabulary's logits, on vectors: sampling and perplexity run them for every
 * token, and with {@code Math.exp} one element at a time they took about 0.7 ms per token for a 128K vocabulary
 * (docs/BENCHMARKS.md, session 14).
 */
public final class Softmax {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Vectors summed in float lanes before the lanes go into the double total. */
    private static final int SUM_BLOCK = 64;

    private Softmax() {}

    /** The largest of {@code logits[offset .. offset + n)}. */
    public static float max(float[] logits, int offset, int n) {
        int vectorEnd = F.loopBound(n);
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < vectorEnd; i += F.length()) {
            m = m.max(FloatVector.fromArray(F, logits, offset + i));
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (int i = vectorEnd; i < n; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        return max;
    }

    /**
     * {@code sum_i exp((logit_i - max) * scale)} over {@code logits[offset .. offset + n)}, each term also written to
     * {@code terms[i]} unless {@code terms} is null. Terms are float; the sum is kept in double.
     */
    public static double exponentials(float[] logits, int offset, int n, float max, float scale, float[] terms) {
        int vectorEnd = F.loopBound(n);
        double sum = 0;
        FloatVector block = FloatVector.zero(F);
        for (int i = 0, v = 0; i < vectorEnd; i += F.length(), v++) {
            FloatVector e = FloatVector.fromArray(F, logits, offset + i).sub(max).mul(scale)
                    .lanewise(VectorOperators.EXP);
            if (terms != null) {
                e.intoArray(terms, i);
            }
            block = block.add(e);
            if (v % SUM_BLOCK == SUM_BLOCK - 1) {
                sum += block.reduceLanes(VectorOperators.ADD);
                block = FloatVector.zero(F);
            }
        }
        sum += block.reduceLanes(VectorOperators.ADD);
        for (int i = vectorEnd; i < n; i++) {
            float e = (float) Math.exp((logits[offset + i] - max) * scale);
            if (terms != null) {
                terms[i] = e;
            }
            sum += e;
        }
        return sum;
    }
}

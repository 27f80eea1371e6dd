package dev.ternary.infer.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits. Holds its scratch arrays so sampling a token allocates nothing; seeded, so
 * the same options and logits give the same tokens.
 */
public final class Sampler {
    private final SamplingOptions options;
    private final SplittableRandom random;
    private final float[] probabilities;
    private final long[] candidates;
    private final boolean[] seen;

    public Sampler(SamplingOptions options, int vocabSize) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        this.probabilities = new float[vocabSize];
        this.candidates = new long[vocabSize];
        this.seen = new boolean[vocabSize];
    }

    /** Records a token (prompt or generated) for the repetition penalty. */
    public void observe(int token) {
        if (token >= 0 && token < seen.length) {
            seen[token] = true;
        }
    }

    /** Forgets observed tokens (a new conversation). */
    public void reset() {
        Arrays.fill(seen, false);
    }

    /** Chooses a token from {@code logits[offset .. offset + vocab)}; the logits are modified. */
    public int sample(float[] logits, int offset) {
        int n = probabilities.length;
        if (options.repetitionPenalty() != 1) {
            float p = (float) options.repetitionPenalty();
            for (int i = 0; i < n; i++) {
                if (seen[i]) {
                    float l = logits[offset + i];
                    logits[offset + i] = l > 0 ? l / p : l * p;
                }
            }
        }
        if (options.isGreedy()) {
            return argmax(logits, offset, n);
        }
        float max = Softmax.max(logits, offset, n);
        double sum = Softmax.exponentials(logits, offset, n, max, (float) (1 / options.temperature()), probabilities);
        for (int i = 0; i < n; i++) {
            probabilities[i] /= (float) sum;
        }
        return truncateAndDraw(n);
    }

    /**
     * Top-k / top-p / min-p over a candidate set: only tokens above a probability floor are sorted. The floor
     * starts at 1e-4 of the top probability and drops until the candidates hold at least k tokens and p of the
     * mass, so the truncated set is exactly what sorting the whole vocabulary would give.
     */
    private int truncateAndDraw(int n) {
        if (options.topK() == 0 && options.topP() == 1 && options.minP() == 0) {
            return draw(n);
        }
        float top = 0;
        for (int i = 0; i < n; i++) {
            top = Math.max(top, probabilities[i]);
        }
        int needed = options.topK() > 0 ? Math.min(options.topK(), n) : 1;
        int count = 0;
        for (float floor = top * 1e-4f; ; floor *= 1e-4f) {
            count = 0;
            double mass = 0;
            for (int i = 0; i < n; i++) {
                float p = probabilities[i];
                if (p >= floor) {
                    // probabilities are non-negative, so their IEEE bits sort like the values
                    candidates[count++] = (long) Float.floatToRawIntBits(p) << 32 | i;
                    mass += p;
                }
            }
            if ((count >= needed && mass >= options.topP()) || floor == 0 || count == n) {
                break;
            }
            if (floor < Float.MIN_NORMAL) {
                floor = 0;
            }
        }
        Arrays.sort(candidates, 0, count);
        int keep = count;
        if (options.topK() > 0) {
            keep = Math.min(keep, options.topK());
        }
        if (options.topP() < 1) {
            double cumulative = 0;
            for (int i = 0; i < keep; i++) {
                cumulative += probabilityOf(candidates[count - 1 - i]);
                if (cumulative >= options.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        if (options.minP() > 0) {
            float threshold = (float) (options.minP() * top);
            int k = 1;
            while (k < keep && probabilityOf(candidates[count - 1 - k]) >= threshold) {
                k++;
            }
            keep = k;
        }
        double total = 0;
        for (int i = 0; i < keep; i++) {
            total += probabilityOf(candidates[count - 1 - i]);
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < keep; i++) {
            r -= probabilityOf(candidates[count - 1 - i]);
            if (r <= 0) {
                return (int) candidates[count - 1 - i];
            }
        }
        return (int) candidates[count - keep];
    }

    private static float probabilityOf(long candidate) {
        return Float.intBitsToFloat((int) (candidate >>> 32));
    }

    private int draw(int n) {
        double r = random.nextDouble();
        int last = 0;
        for (int i = 0; i < n; i++) {
            if (probabilities[i] > 0) {
                last = i;
                r -= probabilities[i];
                if (r <= 0) {
                    return i;
                }
            }
        }
        return last;
    }

    static int argmax(float[] values, int offset, int n) {
        int best = 0;
        float bestValue = values[offset];
        for (int i = 1; i < n; i++) {
            if (values[offset + i] > bestValue) {
                bestValue = values[offset + i];
                best = i;
            }
        }
        return best;
    }
}

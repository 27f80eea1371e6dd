package dev.ternary.infer.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.InvalidInputException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final float[] LOGITS = {1.0f, 3.0f, 2.5f, -1.0f, 0.5f, 2.9f};

    private static int sample(SamplingOptions o, float[] logits) {
        return new Sampler(o, logits.length).sample(logits.clone(), 0);
    }

    private static Set<Integer> support(SamplingOptions base, int draws) {
        Set<Integer> seen = new HashSet<>();
        for (int seed = 0; seed < draws; seed++) {
            seen.add(sample(new SamplingOptions(base.temperature(), base.topK(), base.topP(), base.minP(),
                    base.repetitionPenalty(), seed), LOGITS));
        }
        return seen;
    }

    @Test
    void greedyPicksTheArgmax() {
        assertEquals(1, sample(SamplingOptions.greedy(), LOGITS));
    }

    @Test
    void sameSeedSameTokens() {
        SamplingOptions o = new SamplingOptions(1.0, 0, 1, 0, 1, 42);
        Sampler a = new Sampler(o, LOGITS.length);
        Sampler b = new Sampler(o, LOGITS.length);
        for (int i = 0; i < 50; i++) {
            assertEquals(a.sample(LOGITS.clone(), 0), b.sample(LOGITS.clone(), 0));
        }
    }

    @Test
    void topKLimitsTheCandidates() {
        assertEquals(Set.of(1, 5), support(new SamplingOptions(2.0, 2, 1, 0, 1, 0), 300));
        assertEquals(Set.of(1), support(new SamplingOptions(2.0, 1, 1, 0, 1, 0), 50));
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // softmax of LOGITS: token 1 ≈ 0.33, 5 ≈ 0.30, 2 ≈ 0.20 → p = 0.6 needs {1, 5}
        assertEquals(Set.of(1, 5), support(new SamplingOptions(1.0, 0, 0.6, 0, 1, 0), 300));
    }

    @Test
    void minPDropsUnlikelyTokens() {
        // exp(2.5 - 3) ≈ 0.61 ≥ 0.5 but exp(1 - 3) ≈ 0.14 < 0.5
        assertEquals(Set.of(1, 2, 5), support(new SamplingOptions(1.0, 0, 1, 0.5, 1, 0), 400));
    }

    @Test
    void unrestrictedSamplingReachesEveryToken() {
        assertEquals(6, support(new SamplingOptions(5.0, 0, 1, 0, 1, 0), 2000).size());
    }

    @Test
    void repetitionPenaltyDemotesSeenTokens() {
        Sampler s = new Sampler(new SamplingOptions(0, 0, 1, 0, 2.0, 0), LOGITS.length);
        s.observe(1); // 3.0 / 2 = 1.5 < 2.9
        assertEquals(5, s.sample(LOGITS.clone(), 0));
        s.observe(5);
        assertEquals(2, s.sample(LOGITS.clone(), 0));
    }

    @Test
    void invalidValuesAreRejectedWithTheOptionName() {
        assertTrue(assertThrows(InvalidInputException.class, () -> new SamplingOptions(-1, 0, 1, 0, 1, 0))
                .getMessage().startsWith("--temperature"));
        assertTrue(assertThrows(InvalidInputException.class, () -> new SamplingOptions(1, -2, 1, 0, 1, 0))
                .getMessage().startsWith("--top-k"));
        assertTrue(assertThrows(InvalidInputException.class, () -> new SamplingOptions(1, 0, 1.5, 0, 1, 0))
                .getMessage().startsWith("--top-p"));
        assertTrue(assertThrows(InvalidInputException.class, () -> new SamplingOptions(1, 0, 1, 1, 1, 0))
                .getMessage().startsWith("--min-p"));
        assertTrue(assertThrows(InvalidInputException.class, () -> new SamplingOptions(1, 0, 1, 0, 0, 0))
                .getMessage().startsWith("--repetition-penalty"));
    }

    /**
     * A vocabulary many vectors long, so the softmax runs on its vector path: two likely tokens in different vectors
     * (and one in the scalar tail), logits 0.7 apart, are drawn in the ratio e^0.7 ≈ 2 at temperature 1, and the
     * rest, 30 below, almost never; at temperature 0.5 the ratio squares to e^1.4 ≈ 4.
     */
    @Test
    void largeVocabularyFollowsTheSoftmax() {
        int vocab = 1003;
        float[] logits = new float[vocab];
        java.util.Arrays.fill(logits, -25f);
        logits[37] = 5f;
        logits[517] = 4.3f;
        logits[1002] = 4.3f;
        for (double temperature : new double[] {1.0, 0.5}) {
            Sampler s = new Sampler(new SamplingOptions(temperature, 0, 1, 0, 1, 7), vocab);
            int[] counts = new int[vocab];
            int draws = 6000;
            for (int i = 0; i < draws; i++) {
                counts[s.sample(logits.clone(), 0)]++;
            }
            double ratio = Math.exp(0.7 / temperature);
            double expected = ratio / (ratio + 2);
            assertEquals(expected, counts[37] / (double) draws, 0.02, "temperature " + temperature);
            assertEquals((1 - expected) / 2, counts[517] / (double) draws, 0.02, "temperature " + temperature);
            assertEquals((1 - expected) / 2, counts[1002] / (double) draws, 0.02, "temperature " + temperature);
            assertEquals(draws, counts[37] + counts[517] + counts[1002]);
        }
    }
}

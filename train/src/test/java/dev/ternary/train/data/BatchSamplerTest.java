package dev.ternary.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchSamplerTest {
    private static PackedSequences sequences(int count, int seqLen) {
        int[] tokens = new int[count * seqLen + 1];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i;
        }
        return new TokenStream(tokens).split(seqLen, 1.0 / (count + 1) / 2).train();
    }

    @Test
    void everyEpochVisitsEachSequenceOnceInASeededOrder() {
        PackedSequences data = sequences(10, 4);
        int n = data.count();
        BatchSampler s = new BatchSampler(data, 42, DataPosition.START);
        int[] epoch0 = firstTokens(s.next(n), n, 5);
        int[] epoch1 = firstTokens(s.next(n), n, 5);
        Set<Integer> seen = new HashSet<>();
        for (int t : epoch0) {
            seen.add(t);
        }
        assertEquals(n, seen.size());
        assertFalse(Arrays.equals(epoch0, epoch1), "each epoch gets its own order");
        assertArrayEquals(epoch0, firstTokens(new BatchSampler(data, 42, DataPosition.START).next(n), n, 5));
        assertFalse(Arrays.equals(epoch0, firstTokens(new BatchSampler(data, 43, DataPosition.START).next(n), n, 5)));
    }

    @Test
    void resumingFromAPositionContinuesTheSameStream() {
        PackedSequences data = sequences(7, 3);
        BatchSampler uninterrupted = new BatchSampler(data, 5, DataPosition.START);
        uninterrupted.next(4);
        uninterrupted.next(4);
        DataPosition mid = uninterrupted.position();
        assertEquals(new DataPosition(1, 2), mid, "8 sequences of a 6-sequence epoch end 2 into the next");
        int[] expected = uninterrupted.next(9);
        assertArrayEquals(expected, new BatchSampler(data, 5, mid).next(9));
    }

    private static int[] firstTokens(int[] rows, int count, int width) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = rows[i * width];
        }
        return out;
    }
}

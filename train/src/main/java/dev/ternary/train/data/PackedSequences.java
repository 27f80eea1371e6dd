package dev.ternary.train.data;

/**
 * Fixed-length sequences over a token stream: sequence {@code i} is the {@code seqLen + 1} tokens starting at
 * {@code (first + i)·seqLen}; the model reads the first {@code seqLen} and predicts the last {@code seqLen}.
 */
public final class PackedSequences {
    private final int[] tokens;
    private final int first;
    private final int count;
    private final int seqLen;

    PackedSequences(int[] tokens, int first, int count, int seqLen) {
        this.tokens = tokens;
        this.first = first;
        this.count = count;
        this.seqLen = seqLen;
    }

    public int count() {
        return count;
    }

    public int seqLen() {
        return seqLen;
    }

    /** Copies sequence {@code i} ({@code seqLen + 1} tokens) into {@code dst} at {@code offset}. */
    public void copy(int i, int[] dst, int offset) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i);
        }
        System.arraycopy(tokens, (first + i) * seqLen, dst, offset, seqLen + 1);
    }

    public int[] sequence(int i) {
        int[] s = new int[seqLen + 1];
        copy(i, s, 0);
        return s;
    }

    /** Number of target tokens in all sequences. */
    public long targetTokens() {
        return (long) count * seqLen;
    }
}

package dev.ternary.infer.linear;

/** Token embedding lookup: one row of the table per token id. */
public interface Embedding extends AutoCloseable {
    int vocabSize();

    int dim();

    /** Writes row {@code token} into {@code dst[offset .. offset + dim)}. */
    void lookup(int token, float[] dst, int offset);

    @Override
    void close();
}

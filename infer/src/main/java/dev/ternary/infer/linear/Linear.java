package dev.ternary.infer.linear;

/**
 * A weight matrix {@code W[out, in]} the forward pass multiplies by: ternary (packed trits + int8 activations) or
 * dense (bf16/f32/q8). Implementations keep their own scratch so a call allocates nothing.
 */
public interface Linear extends AutoCloseable {
    int inFeatures();

    int outFeatures();

    /**
     * {@code y[t] = W · x[t]} for each of {@code tokens} rows; {@code x} holds {@code tokens * in} floats,
     * {@code y} receives {@code tokens * out}.
     */
    void forward(float[] x, float[] y, int tokens);

    /** Bytes of weights streamed per full pass (what decode reads from memory per token). */
    long weightBytes();

    /** A short name of the storage, e.g. {@code ternary-lut2} or {@code bf16}. */
    String format();

    @Override
    void close();
}

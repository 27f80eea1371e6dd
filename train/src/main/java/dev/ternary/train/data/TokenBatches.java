package dev.ternary.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Token sequences as DJL arrays for a forward pass. */
public final class TokenBatches {
    private TokenBatches() {}

    /**
     * {@code rows} holds {@code batch} sequences of {@code seqLen + 1} tokens; returns {inputs, targets}, each INT64
     * {@code [batch, seqLen]}, the targets being the inputs shifted by one.
     */
    public static NDArray[] inputsAndTargets(NDManager manager, int[] rows, int batch, int seqLen) {
        long[] in = new long[batch * seqLen];
        long[] out = new long[batch * seqLen];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seqLen; t++) {
                in[b * seqLen + t] = rows[b * (seqLen + 1) + t];
                out[b * seqLen + t] = rows[b * (seqLen + 1) + t + 1];
            }
        }
        Shape shape = new Shape(batch, seqLen);
        return new NDArray[] {manager.create(in, shape), manager.create(out, shape)};
    }
}

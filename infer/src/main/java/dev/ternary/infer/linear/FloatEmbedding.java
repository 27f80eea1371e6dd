package dev.ternary.infer.linear;

import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.FloatCodec;
import java.lang.foreign.MemorySegment;

/**
 * Embedding rows decoded on lookup from a float table in its stored dtype (bf16/f16/f32), held off-heap. A
 * lookup touches one row, so the table's size costs memory but no bandwidth per token.
 */
public final class FloatEmbedding implements Embedding {
    private final MemorySegment table;
    private final DType dtype;
    private final int vocab;
    private final int dim;
    private final short[] scratch;

    /** @param table {@code vocab * dim} elements of {@code dtype}, alive as long as this embedding */
    public FloatEmbedding(MemorySegment table, DType dtype, int vocab, int dim) {
        this.table = table;
        this.dtype = dtype;
        this.vocab = vocab;
        this.dim = dim;
        this.scratch = new short[dim];
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public void lookup(int token, float[] dst, int offset) {
        if (token < 0 || token >= vocab) {
            throw new IllegalArgumentException("token id " + token + " outside the vocabulary of " + vocab);
        }
        FloatCodec.decode(table, dtype, (long) token * dim, dim, dst, offset, scratch);
    }

    @Override
    public void close() {}
}

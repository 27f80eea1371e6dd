package dev.ternary.infer.model;

import dev.ternary.convert.safetensors.TensorInfo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where a model's tensors come from, in Hugging Face naming and on-disk encoding: a checkpoint on disk, or
 * random weights generated in memory for benchmarks. The loader repacks what it reads, so a segment only has to
 * live as long as the arena given.
 */
public interface WeightSource extends AutoCloseable {
    boolean contains(String name);

    /** dtype and shape of a tensor (offsets are meaningless for generated sources). */
    TensorInfo info(String name);

    /** The tensor's bytes, valid while {@code arena} is open. */
    MemorySegment data(String name, Arena arena);

    @Override
    void close();
}

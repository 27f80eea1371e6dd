package dev.ternary.infer.model;

import dev.ternary.convert.safetensors.Checkpoint;
import dev.ternary.convert.safetensors.TensorInfo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Tensors memory-mapped from a safetensors checkpoint (single file or shards). */
public final class CheckpointWeightSource implements WeightSource {
    private final Checkpoint checkpoint;

    public CheckpointWeightSource(Checkpoint checkpoint) {
        this.checkpoint = checkpoint;
    }

    @Override
    public boolean contains(String name) {
        return checkpoint.contains(name);
    }

    @Override
    public TensorInfo info(String name) {
        return checkpoint.tensor(name);
    }

    @Override
    public MemorySegment data(String name, Arena arena) {
        return checkpoint.map(name, arena);
    }

    @Override
    public void close() {
        checkpoint.close();
    }
}

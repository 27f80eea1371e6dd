package dev.ternary.convert;

import dev.ternary.convert.safetensors.Checkpoint;
import dev.ternary.convert.safetensors.CheckpointWriter;
import dev.ternary.convert.safetensors.TensorSpec;
import java.io.IOException;
import java.util.List;

/** The work for one input tensor: what it becomes in the output, and how to write it. */
sealed interface TensorJob permits TernaryProjectionJob, DenseTensorJob {
    String sourceName();

    long inputBytes();

    List<TensorSpec> outputs();

    void run(Checkpoint input, CheckpointWriter output) throws IOException;

    default long outputBytes() {
        return outputs().stream().mapToLong(TensorSpec::byteSize).sum();
    }
}

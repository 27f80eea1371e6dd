package dev.ternary.convert;

import dev.ternary.convert.quant.TernaryPacker;
import dev.ternary.convert.safetensors.Checkpoint;
import dev.ternary.convert.safetensors.CheckpointWriter;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.TensorInfo;
import dev.ternary.convert.safetensors.TensorSpec;
import dev.ternary.kernels.format.HfBitNetLayout;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A projection {@code W[out, in]} becomes {@code weight} (U8 {@code [out/4, in]}) and {@code weight_scale}
 * (F32 {@code [1]}, the multiplier {@code mean|W|}), the tensors Hugging Face's AutoBitLinear loads offline.
 */
record TernaryProjectionJob(TensorInfo source) implements TensorJob {
    static final String SCALE_SUFFIX = "_scale";

    @Override
    public String sourceName() {
        return source.name();
    }

    @Override
    public long inputBytes() {
        return source.byteSize();
    }

    @Override
    public List<TensorSpec> outputs() {
        long rows = source.dim(0);
        long cols = source.dim(1);
        return List.of(
                new TensorSpec(source.name(), DType.U8, new long[] {rows / HfBitNetLayout.TRITS_PER_BYTE, cols}),
                new TensorSpec(source.name() + SCALE_SUFFIX, DType.F32, new long[] {1}));
    }

    @Override
    public void run(Checkpoint input, CheckpointWriter output) throws IOException {
        // A confined arena per tensor: the mapping is released as soon as the tensor is done, which keeps the
        // resident set near one tensor per thread however large the model is.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment weights = input.map(source.name(), arena);
            float scale = TernaryPacker.pack(weights, source.dtype(), Math.toIntExact(source.dim(0)),
                    Math.toIntExact(source.dim(1)), (offset, bytes) -> output.write(source.name(), offset, bytes));
            ByteBuffer scaleBytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(scale).flip();
            output.write(source.name() + SCALE_SUFFIX, 0, scaleBytes);
        }
    }
}

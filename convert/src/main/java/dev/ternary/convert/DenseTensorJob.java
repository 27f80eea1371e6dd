package dev.ternary.convert;

import dev.ternary.convert.safetensors.Checkpoint;
import dev.ternary.convert.safetensors.CheckpointWriter;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.FloatCodec;
import dev.ternary.convert.safetensors.SafetensorsFile;
import dev.ternary.convert.safetensors.TensorInfo;
import dev.ternary.convert.safetensors.TensorSpec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A tensor that stays dense (embeddings, lm_head, norms, biases): copied byte for byte, or converted to the
 * requested float dtype. Works through bounded windows so a 500 MB embedding never sits in memory whole.
 */
record DenseTensorJob(TensorInfo source, DType target) implements TensorJob {
    private static final long COPY_WINDOW_BYTES = 64L << 20;
    private static final int CONVERT_CHUNK_ELEMENTS = 1 << 18;

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
        return List.of(new TensorSpec(source.name(), target, source.shape()));
    }

    @Override
    public void run(Checkpoint input, CheckpointWriter output) throws IOException {
        if (source.dtype() == target) {
            copy(input.fileOf(source.name()), output);
        } else {
            convert(input.fileOf(source.name()), output);
        }
    }

    private void copy(SafetensorsFile file, CheckpointWriter output) throws IOException {
        long start = file.fileOffset(source);
        for (long done = 0; done < source.byteSize(); ) {
            long n = Math.min(COPY_WINDOW_BYTES, source.byteSize() - done);
            try (Arena arena = Arena.ofConfined()) {
                output.write(source.name(), done, file.map(start + done, n, arena));
            }
            done += n;
        }
    }

    private void convert(SafetensorsFile file, CheckpointWriter output) throws IOException {
        long elements = source.elementCount();
        float[] values = new float[(int) Math.min(CONVERT_CHUNK_ELEMENTS, elements)];
        short[] scratch = new short[values.length];
        byte[] encoded = new byte[values.length * target.byteSize()];
        MemorySegment encodedSegment = MemorySegment.ofArray(encoded);
        long windowElements = COPY_WINDOW_BYTES / source.dtype().byteSize();
        for (long first = 0; first < elements; first += windowElements) {
            long count = Math.min(windowElements, elements - first);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment window = file.map(file.fileOffset(source) + first * source.dtype().byteSize(),
                        count * source.dtype().byteSize(), arena);
                for (long i = 0; i < count; i += values.length) {
                    int n = (int) Math.min(values.length, count - i);
                    FloatCodec.decode(window, source.dtype(), i, n, values, scratch);
                    FloatCodec.encode(values, n, target, encodedSegment, 0);
                    output.write(source.name(), (first + i) * target.byteSize(),
                            ByteBuffer.wrap(encoded, 0, n * target.byteSize()));
                }
            }
        }
    }
}

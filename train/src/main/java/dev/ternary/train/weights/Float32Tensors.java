package dev.ternary.train.weights;

import ai.djl.ndarray.NDArray;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.FloatCodec;
import dev.ternary.convert.safetensors.SafetensorsFile;
import dev.ternary.convert.safetensors.SafetensorsLayout;
import dev.ternary.convert.safetensors.SafetensorsWriter;
import dev.ternary.convert.safetensors.TensorInfo;
import dev.ternary.convert.safetensors.TensorSpec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named fp32 tensors to and from one safetensors file, bit-exact: weights, optimizer moments. */
public final class Float32Tensors {
    private static final int CHUNK = 1 << 16;

    private Float32Tensors() {}

    /** Writes every array as F32 in map order. */
    public static void write(Path file, Map<String, NDArray> arrays) throws IOException {
        List<TensorSpec> specs = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            specs.add(new TensorSpec(e.getKey(), DType.F32, e.getValue().getShape().getShape()));
        }
        SafetensorsWriter writer = SafetensorsWriter.create(file, SafetensorsLayout.of(specs, Map.of("format", "pt")));
        try {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                float[] values = e.getValue().toFloatArray();
                for (int start = 0; start < values.length; start += CHUNK) {
                    int n = Math.min(CHUNK, values.length - start);
                    buffer.clear();
                    buffer.asFloatBuffer().put(values, start, n);
                    buffer.limit(n * 4);
                    writer.write(e.getKey(), start * 4L, buffer);
                }
            }
            writer.close();
        } catch (IOException | RuntimeException e) {
            writer.abandon();
            throw e;
        }
    }

    /** Reads every tensor of a safetensors file as floats (any float dtype), in file order. */
    public static Map<String, float[]> read(Path file) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file); Arena arena = Arena.ofConfined()) {
            for (TensorInfo t : f.tensors()) {
                if (!t.dtype().isFloatingPoint()) {
                    throw InvalidInputException.inFile(file, "tensor '" + t.name() + "' is " + t.dtype()
                            + ", expected a float type");
                }
                int n = Math.toIntExact(t.elementCount());
                float[] values = new float[n];
                FloatCodec.decode(f.map(t, arena), t.dtype(), 0, n, values, new short[n]);
                out.put(t.name(), values);
            }
        }
        return out;
    }
}

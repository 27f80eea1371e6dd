package dev.ternary.train.weights;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.safetensors.Checkpoint;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.FloatCodec;
import dev.ternary.convert.safetensors.TensorInfo;
import dev.ternary.kernels.format.HfBitNetLayout;
import dev.ternary.train.model.ModelSpec;
import dev.ternary.train.model.ParameterLayout;
import dev.ternary.train.model.ParameterStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Loads a Hugging Face checkpoint into DJL tensors (fp32): dense weights in F32/F16/BF16, and projections packed
 * as ternary in the layout {@code ternary convert} and transformers' BitNet integration write ({@code weight} U8
 * {@code [out/4, in]} + {@code weight_scale}), which become {@code s·T} and are marked ternary.
 */
public final class HfWeights {
    private static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private HfWeights() {}

    /** Reads every tensor {@link ParameterLayout} expects from the checkpoint in {@code dir}. */
    public static ParameterStore load(Path dir, HfConfig config, ModelSpec spec, NDManager manager) {
        boolean reciprocalScale = config.quantizationConfig()
                .map(q -> q.path("linear_class").asText("").equals("bitlinear")).orElse(false);
        ParameterStore store = new ParameterStore(manager);
        try (Checkpoint checkpoint = Checkpoint.openDirectory(dir); Arena arena = Arena.ofConfined()) {
            for (Map.Entry<String, long[]> e : ParameterLayout.shapes(spec).entrySet()) {
                String name = e.getKey();
                long[] shape = e.getValue();
                if (!checkpoint.contains(name)) {
                    throw InvalidInputException.inFile(dir, "checkpoint has no tensor '" + name + "' that "
                            + spec.architecture().hfName() + " with this config.json needs");
                }
                TensorInfo t = checkpoint.tensor(name);
                Path file = checkpoint.fileOf(name).path();
                MemorySegment data = checkpoint.map(name, arena);
                if (t.dtype() == DType.U8 && shape.length == 2) {
                    float scale = readScale(checkpoint, name, file, arena, reciprocalScale);
                    store.put(name, manager.create(unpackTernary(data, t, shape, scale, file), new Shape(shape)), true);
                } else if (t.dtype().isFloatingPoint()) {
                    if (!Arrays.equals(t.shape(), shape)) {
                        throw InvalidInputException.inFile(file, "tensor '" + name + "' has shape "
                                + Arrays.toString(t.shape()) + ", config.json implies " + Arrays.toString(shape));
                    }
                    store.put(name, manager.create(decode(data, t), new Shape(shape)), false);
                } else {
                    throw InvalidInputException.inFile(file, "tensor '" + name + "' is " + t.dtype()
                            + ", expected a float type or packed ternary U8");
                }
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** Tensors from a training checkpoint (name → fp32 values), checked against the spec's shapes. */
    public static ParameterStore fromFloats(ModelSpec spec, Map<String, float[]> values, NDManager manager,
            Path source) {
        ParameterStore store = new ParameterStore(manager);
        for (Map.Entry<String, long[]> e : ParameterLayout.shapes(spec).entrySet()) {
            float[] v = values.get(e.getKey());
            Shape shape = new Shape(e.getValue());
            if (v == null || v.length != shape.size()) {
                store.close();
                throw InvalidInputException.inFile(source, "has no tensor '" + e.getKey() + "' of shape " + shape
                        + "; it belongs to a different model");
            }
            store.put(e.getKey(), manager.create(v, shape), false);
        }
        return store;
    }

    private static float[] decode(MemorySegment data, TensorInfo t) {
        int n = Math.toIntExact(t.elementCount());
        float[] out = new float[n];
        FloatCodec.decode(data, t.dtype(), 0, n, out, new short[t.dtype() == DType.F32 ? 0 : n]);
        return out;
    }

    private static float[] unpackTernary(MemorySegment data, TensorInfo t, long[] shape, float scale, Path file) {
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        if (!HfBitNetLayout.isPackable(rows) || t.rank() != 2 || t.dim(0) != rows / HfBitNetLayout.TRITS_PER_BYTE
                || t.dim(1) != cols) {
            throw InvalidInputException.inFile(file, "packed ternary tensor '" + t.name() + "' has shape "
                    + Arrays.toString(t.shape()) + ", expected [" + rows / HfBitNetLayout.TRITS_PER_BYTE + ", "
                    + cols + "] for a [" + rows + ", " + cols + "] projection");
        }
        byte[] trits;
        try {
            trits = HfBitNetLayout.unpack(data.toArray(ValueLayout.JAVA_BYTE), rows, cols);
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.inFile(file, "tensor '" + t.name() + "': " + e.getMessage());
        }
        float[] w = new float[trits.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = trits[i] * scale;
        }
        return w;
    }

    /** {@code weight_scale}: the multiplier {@code s}; {@code linear_class: "bitlinear"} stores {@code 1/s}. */
    private static float readScale(Checkpoint checkpoint, String weightName, Path file, Arena arena,
            boolean reciprocal) {
        String scaleName = weightName + "_scale";
        if (!checkpoint.contains(scaleName)) {
            throw InvalidInputException.inFile(file, "packed ternary tensor '" + weightName + "' has no '"
                    + scaleName + "'");
        }
        TensorInfo s = checkpoint.tensor(scaleName);
        MemorySegment seg = checkpoint.map(scaleName, arena);
        float value = switch (s.dtype()) {
            case F32 -> seg.get(FLOAT_LE, 0);
            case BF16, F16 -> {
                float[] one = new float[1];
                FloatCodec.decode(seg, s.dtype(), 0, 1, one, new short[1]);
                yield one[0];
            }
            default -> throw InvalidInputException.inFile(file, "'" + scaleName + "' is " + s.dtype()
                    + ", expected a float");
        };
        if (!(value > 0) || !Float.isFinite(value)) {
            throw InvalidInputException.inFile(file, "'" + scaleName + "' is " + value + ", expected a positive scale");
        }
        return reciprocal ? 1f / value : value;
    }
}

package dev.ternary.infer.model;

import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.TensorInfo;
import dev.ternary.convert.safetensors.TensorSpec;
import dev.ternary.convert.synthetic.ModelShape;
import dev.ternary.convert.synthetic.SyntheticCheckpoint;
import dev.ternary.kernels.format.HfBitNetLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Random weights of a real model's shape generated on request, so {@code ternary bench --synthetic} measures
 * realistic sizes without files. As bf16 it is the dense model {@link SyntheticCheckpoint} would write; as
 * ternary its projections are random trits (uniform over -1, 0, 1) in the HF BitNet layout with scale 0.02.
 */
public final class SyntheticWeightSource implements WeightSource {
    private static final float TERNARY_SCALE = 0.02f;
    private static final int CHUNK = 1 << 20;

    private final long seed;
    private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    private final Map<String, String> scaleOf = new LinkedHashMap<>();

    public SyntheticWeightSource(ModelShape shape, boolean ternary, long seed) {
        this.seed = seed;
        for (TensorSpec s : SyntheticCheckpoint.tensorSpecs(shape, DType.BF16)) {
            if (ternary && shape.architecture().isProjectionWeight(s.name())) {
                long[] d = s.shape();
                put(new TensorSpec(s.name(), DType.U8, new long[] {d[0] / HfBitNetLayout.TRITS_PER_BYTE, d[1]}));
                put(new TensorSpec(s.name() + "_scale", DType.F32, new long[] {1}));
                scaleOf.put(s.name() + "_scale", s.name());
            } else {
                put(s);
            }
        }
    }

    private void put(TensorSpec s) {
        tensors.put(s.name(), new TensorInfo(s.name(), s.dtype(), s.shape(), 0, s.byteSize()));
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("synthetic model has no tensor " + name);
        }
        return t;
    }

    @Override
    public MemorySegment data(String name, Arena arena) {
        TensorInfo t = info(name);
        MemorySegment m = arena.allocate(t.byteSize(), 64);
        switch (t.dtype()) {
            case F32 -> m.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, TERNARY_SCALE);
            case U8 -> fillPackedTrits(name, m, t.byteSize());
            default -> fillFloats(new TensorSpec(name, t.dtype(), t.shape()), m);
        }
        return m;
    }

    private void fillFloats(TensorSpec spec, MemorySegment m) {
        long elements = TensorInfo.elementCount(spec.shape());
        int size = spec.dtype().byteSize();
        for (long first = 0; first < elements; first += CHUNK) {
            int n = (int) Math.min(CHUNK, elements - first);
            SyntheticCheckpoint.fill(spec, seed, first, n, m.asSlice(first * size, (long) n * size));
        }
    }

    /** Four trits per byte from one random number (base-3 digits of a value below 81). */
    private void fillPackedTrits(String name, MemorySegment m, long bytes) {
        for (long i = 0; i < bytes; i++) {
            int digits = (int) Long.remainderUnsigned(SyntheticCheckpoint.randomBits(seed, name, i), 81);
            int b = 0;
            for (int k = 0; k < HfBitNetLayout.TRITS_PER_BYTE; k++) {
                b |= (digits % 3) << (2 * k);
                digits /= 3;
            }
            m.set(ValueLayout.JAVA_BYTE, i, (byte) b);
        }
    }

    @Override
    public void close() {}
}

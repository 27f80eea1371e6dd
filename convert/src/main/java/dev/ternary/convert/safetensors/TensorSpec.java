package dev.ternary.convert.safetensors;

import java.util.Arrays;

/** A tensor to be written: name, dtype and shape; the writer assigns its offsets. */
public record TensorSpec(String name, DType dtype, long[] shape) {
    public TensorSpec {
        shape = shape.clone();
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape of " + name);
            }
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long byteSize() {
        return Math.multiplyExact(TensorInfo.elementCount(shape), dtype.byteSize());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}

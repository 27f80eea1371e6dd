package dev.ternary.convert.safetensors;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The safetensors element types this toolkit reads and writes, with their on-disk names and sizes. */
public enum DType {
    F32(4, "float32"),
    F16(2, "float16"),
    BF16(2, "bfloat16"),
    U8(1, "uint8"),
    I8(1, "int8");

    private final int byteSize;
    private final String torchName;

    DType(int byteSize, String torchName) {
        this.byteSize = byteSize;
        this.torchName = torchName;
    }

    public int byteSize() {
        return byteSize;
    }

    /** The name config.json uses in {@code torch_dtype}. */
    public String torchName() {
        return torchName;
    }

    public boolean isFloatingPoint() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** The dtype for a safetensors header name such as {@code "BF16"}, if supported. */
    public static Optional<DType> fromHeaderName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    public static String supportedNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}

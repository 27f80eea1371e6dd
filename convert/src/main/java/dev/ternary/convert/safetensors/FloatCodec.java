package dev.ternary.convert.safetensors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Converts runs of little-endian F32/F16/BF16 tensor elements to and from {@code float}. BF16 is the top half
 * of an IEEE float; encoding rounds to nearest even, as PyTorch does.
 */
public final class FloatCodec {
    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private FloatCodec() {}

    /**
     * Decodes {@code count} elements starting at element {@code firstElement} of {@code src} into {@code dst}.
     *
     * @param scratch a buffer of at least {@code count} shorts, reused to avoid allocation (ignored for F32)
     */
    public static void decode(MemorySegment src, DType dtype, long firstElement, int count, float[] dst,
            short[] scratch) {
        decode(src, dtype, firstElement, count, dst, 0, scratch);
    }

    /** As above, writing to {@code dst[dstOffset ..]}. */
    public static void decode(MemorySegment src, DType dtype, long firstElement, int count, float[] dst,
            int dstOffset, short[] scratch) {
        long offset = firstElement * dtype.byteSize();
        switch (dtype) {
            case F32 -> MemorySegment.copy(src, FLOAT_LE, offset, dst, dstOffset, count);
            case BF16 -> {
                MemorySegment.copy(src, SHORT_LE, offset, scratch, 0, count);
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = Float.intBitsToFloat(scratch[i] << 16);
                }
            }
            case F16 -> {
                MemorySegment.copy(src, SHORT_LE, offset, scratch, 0, count);
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = Float.float16ToFloat(scratch[i]);
                }
            }
            default -> throw new IllegalArgumentException(dtype + " is not a floating-point type");
        }
    }

    /** Encodes {@code count} floats into {@code dst} (a byte-addressed segment) at byte offset {@code offset}. */
    public static void encode(float[] src, int count, DType dtype, MemorySegment dst, long offset) {
        switch (dtype) {
            case F32 -> MemorySegment.copy(src, 0, dst, FLOAT_LE, offset, count);
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst.set(SHORT_LE, offset + 2L * i, toBf16(src[i]));
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst.set(SHORT_LE, offset + 2L * i, Float.floatToFloat16(src[i]));
                }
            }
            default -> throw new IllegalArgumentException(dtype + " is not a floating-point type");
        }
    }

    /** Round-to-nearest-even float → bfloat16 bits; NaN stays a quiet NaN. */
    public static short toBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float fromBf16(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }
}

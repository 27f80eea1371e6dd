package dev.ternary.convert.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class FloatCodecTest {
    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, FloatCodec.toBf16(1.0f));
        // 1 + 2^-8 lies exactly halfway between bf16 1.0 and 1.0078125: ties go to the even mantissa (1.0)
        assertEquals((short) 0x3F80, FloatCodec.toBf16(1.0f + 0x1p-8f));
        // just above halfway rounds up
        assertEquals((short) 0x3F81, FloatCodec.toBf16(1.0f + 0x1p-8f + 0x1p-20f));
        // 1.0078125 + 2^-8 is halfway to 1.015625; the even neighbour is the upper one
        assertEquals((short) 0x3F82, FloatCodec.toBf16(1.0078125f + 0x1p-8f));
        assertTrue(Float.isNaN(FloatCodec.fromBf16(FloatCodec.toBf16(Float.NaN))));
        assertEquals(Float.NEGATIVE_INFINITY, FloatCodec.fromBf16(FloatCodec.toBf16(Float.NEGATIVE_INFINITY)));
    }

    @Test
    void encodeThenDecodeIsExactForRepresentableValues() {
        float[] values = {0f, -0f, 1.5f, -3.25f, 65504f, 1e-3f};
        for (DType d : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            byte[] bytes = new byte[values.length * d.byteSize()];
            float[] expected = values.clone();
            if (d == DType.BF16) {
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = FloatCodec.fromBf16(FloatCodec.toBf16(expected[i]));
                }
            } else if (d == DType.F16) {
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = Float.float16ToFloat(Float.floatToFloat16(expected[i]));
                }
            }
            FloatCodec.encode(values, values.length, d, MemorySegment.ofArray(bytes), 0);
            float[] decoded = new float[values.length];
            FloatCodec.decode(MemorySegment.ofArray(bytes), d, 0, values.length, decoded, new short[values.length]);
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, decoded, d.name());
        }
    }
}

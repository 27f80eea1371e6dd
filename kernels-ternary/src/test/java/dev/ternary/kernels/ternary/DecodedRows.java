package dev.ternary.kernels.ternary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Checks for the 1.6-bit formats' decoders into bit-plane rows (see {@link BitPlaneTile}). */
final class DecodedRows {
    private DecodedRows() {}

    /**
     * Decoded rows {@code 0 .. count-1} equal packed bit-plane rows {@code first ..}, byte for byte, and their biases
     * are {@link BitPlaneKernel#rowBias} of the trits.
     */
    static void assertEqualToPacked(MemorySegment expected, int first, MemorySegment decoded, int[] bias, int count,
                                    long planeRowBytes, byte[] trits, int cols) {
        for (int i = 0; i < count; i++) {
            int r = first + i;
            for (long o = 0; o < planeRowBytes; o++) {
                assertEquals(expected.get(ValueLayout.JAVA_BYTE, r * planeRowBytes + o),
                        decoded.get(ValueLayout.JAVA_BYTE, i * planeRowBytes + o),
                        cols + " columns, row " + r + ", byte " + o);
            }
            assertEquals(BitPlaneKernel.rowBias(trits, r * cols, cols), bias[i], "bias of row " + r);
        }
    }
}

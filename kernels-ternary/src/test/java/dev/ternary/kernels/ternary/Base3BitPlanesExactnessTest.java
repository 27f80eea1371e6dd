package dev.ternary.kernels.ternary;

import dev.ternary.kernels.format.Base3Format;
import dev.ternary.kernels.format.BitPlaneFormat;
import dev.ternary.kernels.format.TernaryFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The base-3 to bit-plane decoder against the bit-plane packer on the same trits: byte for byte, padding words
 * included, and the row biases against {@link BitPlaneKernel#rowBias}. Surefire runs it under 128-, 256- and 512-bit
 * vectors, so a base-3 block is decoded from 4, 2 or 1 vectors.
 */
class Base3BitPlanesExactnessTest {

    @Test
    void decodesAsTheBitPlanePacker() {
        Random random = new Random(31);
        Base3Format base3 = (Base3Format) TernaryFormat.BASE3;
        BitPlaneFormat bitPlane = (BitPlaneFormat) TernaryFormat.BIT_PLANE;
        // 2048: base-3 padding past the bit-plane row (35 words into 32 with 64-byte blocks, 32.5 with 32-byte ones);
        // 6912: 110 words into 112; 70 and 333: one partial block of each, and with 32-byte blocks a half word last;
        // 640: both paddings end on a block
        for (int cols : new int[] {70, 333, 640, 2048, 6912}) {
            int rows = 5;
            byte[] trits = TernaryExactnessTest.randomTrits(random, rows * cols, 1 / 3.0);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment packed = arena.allocate(base3.packedBytes(rows, cols), 64);
                MemorySegment expected = arena.allocate(bitPlane.packedBytes(rows, cols), 64);
                for (int r = 0; r < rows; r++) {
                    base3.packRow(trits, r * cols, rows, cols, r, packed);
                    bitPlane.packRow(trits, r * cols, rows, cols, r, expected);
                }
                long planeRowBytes = bitPlane.rowBytes(cols);
                MemorySegment decoded = arena.allocate(expected.byteSize(), 64);
                decoded.fill((byte) 0x5A); // stale bytes must all be overwritten
                int[] bias = new int[rows];
                // from the second row on: the offsets must count from the given row
                long rowBytes = base3.rowBytes(cols);
                Base3BitPlanes.decodeRows(packed, rowBytes, rowBytes, rows - 1,
                        base3.paddedCols(cols) / Base3Format.BLOCK_COLS, decoded, planeRowBytes, bias);
                DecodedRows.assertEqualToPacked(expected, 1, decoded, bias, rows - 1, planeRowBytes, trits, cols);
            }
        }
    }
}

package dev.ternary.kernels.ternary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ternary.kernels.format.BitPlaneFormat;
import dev.ternary.kernels.format.BitSliceFormat;
import dev.ternary.kernels.format.TernaryFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector decoder against the format's scalar one on all 256 codes, the 13 the packer never writes included, and
 * the GEMM's conversion to bit-plane rows against the bit-plane packer. Surefire runs it under 128-, 256- and 512-bit
 * vectors, so row blocks are decoded as 4, 2 or 1 vectors.
 */
class BitSliceDecodeExactnessTest {

    /**
     * The GEMM's conversion to bit-plane rows against the bit-plane packer on the same trits, byte for byte, with the
     * row biases; rows that are not a multiple of 8 leave padding rows out.
     */
    @Test
    void decodesToBitPlanesAsTheBitPlanePacker() {
        Random random = new Random(22);
        BitSliceFormat bitSlice = (BitSliceFormat) TernaryFormat.BIT_SLICE;
        BitPlaneFormat bitPlane = (BitPlaneFormat) TernaryFormat.BIT_PLANE;
        for (int[] shape : new int[][] {{21, 70}, {16, 2048}, {13, 6912}, {9, 333}}) {
            int rows = shape[0], cols = shape[1];
            byte[] trits = TernaryExactnessTest.randomTrits(random, rows * cols, 1 / 3.0);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment packed = arena.allocate(bitSlice.packedBytes(rows, cols), 64);
                bitSlice.fillZero(packed, rows, cols);
                MemorySegment expected = arena.allocate(bitPlane.packedBytes(rows, cols), 64);
                for (int r = 0; r < rows; r++) {
                    bitSlice.packRow(trits, r * cols, rows, cols, r, packed);
                    bitPlane.packRow(trits, r * cols, rows, cols, r, expected);
                }
                long planeRowBytes = bitPlane.rowBytes(cols);
                long blockBytes = bitSlice.blockBytes(cols);
                int rowBlocks = bitSlice.paddedRows(rows) / BitSliceFormat.ROW_BLOCK;
                // from the second row block on: the offsets must count from the base
                int count = rows - BitSliceFormat.ROW_BLOCK;
                MemorySegment decoded = arena.allocate(count * planeRowBytes, 64);
                decoded.fill((byte) 0x5A); // stale bytes must all be overwritten
                int[] bias = new int[count];
                java.util.Arrays.fill(bias, 99);
                BitSliceBitPlanes.decodeRows(packed, blockBytes, blockBytes, rowBlocks - 1, BitSliceFormat.groups(cols),
                        count, decoded, planeRowBytes, bias);
                DecodedRows.assertEqualToPacked(expected, BitSliceFormat.ROW_BLOCK, decoded, bias, count, planeRowBytes,
                        trits, cols);
            }
        }
    }

    @Test
    void decodesEveryCodeAsTheScalarDecoder() {
        Random random = new Random(21);
        int lanes = BitSliceKernel.L.length();
        for (int groups : new int[] {1, 3, 7}) {
            int rowBlocks = 3;
            long blockBytes = (long) groups * BitSliceFormat.CHUNK_BYTES;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment w = arena.allocate(rowBlocks * blockBytes, 64);
                // random code bits: every code turns up many times
                for (long o = 0; o < w.byteSize(); o += 8) {
                    w.set(ValueLayout.JAVA_LONG_UNALIGNED, o, random.nextLong());
                }
                int runs = (rowBlocks - 1) * BitSliceKernel.parts();
                int items = runs * groups;
                MemorySegment out = arena.allocate(items * BitSliceKernel.ITEM_BYTES, 64);
                out.fill((byte) 0x5A); // stale bytes must all be overwritten
                // from the second row block on: the offsets must count from the base
                for (int run = 0, t = 0; run < runs; run++) {
                    for (int g = 0; g < groups; g++, t++) {
                        BitSliceKernel.decodeVector(w, BitSliceKernel.runOffset(blockBytes, blockBytes, run)
                                + (long) g * BitSliceFormat.CHUNK_BYTES, out, t * BitSliceKernel.ITEM_BYTES);
                    }
                }
                for (int t = 0; t < items; t++) {
                    int g = t % groups;
                    int firstRow = BitSliceFormat.ROW_BLOCK + t / groups * lanes;
                    for (int j = 0; j < lanes; j++) {
                        int row = firstRow + j;
                        for (int bit = 0; bit < 64; bit++) {
                            int code = 0;
                            for (int b = 0; b < BitSliceFormat.CODE_BITS; b++) {
                                long word = w.get(ValueLayout.JAVA_LONG_UNALIGNED,
                                        BitSliceFormat.wordOffset(groups, row, g, b));
                                code |= (int) ((word >>> bit) & 1) << b;
                            }
                            for (int k = 0; k < BitSliceFormat.TRITS; k++) {
                                int expected = BitSliceFormat.trit(code, k) != 0 ? 1 : 0;
                                long nonzero = out.get(ValueLayout.JAVA_LONG_UNALIGNED,
                                        t * BitSliceKernel.ITEM_BYTES + k * 64L + j * 8L);
                                assertEquals(expected, (int) ((nonzero >>> bit) & 1),
                                        groups + " groups, row " + row + ", group " + g + ", code " + code
                                                + ", trit " + k);
                            }
                        }
                    }
                }
            }
        }
    }
}

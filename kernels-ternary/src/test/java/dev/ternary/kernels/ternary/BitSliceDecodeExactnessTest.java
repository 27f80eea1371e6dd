package dev.ternary.kernels.ternary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ternary.kernels.format.BitPlaneFormat;
import dev.ternary.kernels.format.BitSliceFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector decoder against the format's scalar one on all 256 codes, the 13 the packer never writes included, and
 * on a short last block. Surefire runs it under 128-, 256- and 512-bit vectors.
 */
class BitSliceDecodeExactnessTest {

    @Test
    void decodesEveryCodeAsTheScalarDecoder() {
        Random random = new Random(21);
        for (int groups : new int[] {1, 8, 11, 16}) {
            int rows = 3;
            long rowBytes = (long) groups * BitSliceFormat.GROUP_BYTES;
            long decodedRowBytes = BitSliceKernel.planeBlocks(groups * BitSliceFormat.GROUP_COLS)
                    * (long) BitPlaneFormat.BLOCK_BYTES;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment w = arena.allocate(rows * rowBytes + BitSliceFormat.SLACK, 64);
                // random code bits: every code turns up many times
                for (long o = 0; o < w.byteSize(); o += 8) {
                    w.set(ValueLayout.JAVA_LONG_UNALIGNED, o, random.nextLong());
                }
                MemorySegment out = arena.allocate(rows * decodedRowBytes, 64);
                out.fill((byte) 0x5A); // stale bytes must all be overwritten
                BitSliceKernel.decodeRows(w, rowBytes, rowBytes, rows - 1, groups, out);
                for (int i = 0; i < rows - 1; i++) {
                    long row = (i + 1) * rowBytes;
                    for (int g = 0; g < BitSliceKernel.blocks(groups * BitSliceFormat.GROUP_COLS) * 8; g++) {
                        for (int bit = 0; bit < 64; bit++) {
                            int code = 0;
                            if (g < groups) {
                                for (int b = 0; b < BitSliceFormat.CODE_BITS; b++) {
                                    long word = w.get(ValueLayout.JAVA_LONG_UNALIGNED,
                                            row + BitSliceFormat.wordOffset(groups, g, b));
                                    code |= (int) ((word >>> bit) & 1) << b;
                                }
                            }
                            for (int k = 0; k < BitSliceFormat.TRITS; k++) {
                                int expected = BitSliceFormat.trit(code, k); // lanes past the groups: code 0
                                long block = i * decodedRowBytes
                                        + (long) (g / 8 * BitSliceKernel.SUB_BLOCKS + k) * BitPlaneFormat.BLOCK_BYTES
                                        + (g % 8) * 8L;
                                long plus = out.get(ValueLayout.JAVA_LONG_UNALIGNED, block);
                                long minus = out.get(ValueLayout.JAVA_LONG_UNALIGNED,
                                        block + BitPlaneFormat.PLANE_BYTES);
                                int actual = (int) ((plus >>> bit) & 1) - (int) ((minus >>> bit) & 1);
                                assertEquals(expected, actual,
                                        groups + " groups, row " + i + ", group " + g + ", code " + code + ", trit " + k);
                            }
                        }
                    }
                }
            }
        }
    }
}

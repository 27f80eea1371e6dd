package dev.ternary.kernels.ternary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ternary.kernels.format.BitSliceFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector decoder against the format's scalar one on all 256 codes, the 13 the packer never writes included.
 * Surefire runs it under 128-, 256- and 512-bit vectors, so row blocks are decoded as 4, 2 or 1 vectors.
 */
class BitSliceDecodeExactnessTest {

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
                int items = BitSliceKernel.items(rowBlocks - 1, groups);
                MemorySegment out = arena.allocate(items * BitSliceKernel.ITEM_BYTES, 64);
                out.fill((byte) 0x5A); // stale bytes must all be overwritten
                // from the second row block on: the offsets must count from the base
                BitSliceKernel.decodeRows(w, blockBytes, blockBytes, rowBlocks - 1, groups, out);
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

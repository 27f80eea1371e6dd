package dev.ternary.kernels.ternary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.kernels.format.Base3Format;
import dev.ternary.kernels.format.BitSliceFormat;
import dev.ternary.kernels.format.Lut2Format;
import dev.ternary.kernels.format.TernaryFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void base3DigitsRoundTripForAllBytes() {
        // every 5-digit base-3 number survives the fixed-point encoding
        for (int v = 0; v < 243; v++) {
            byte[] row = new byte[Base3Format.BLOCK_COLS];
            int rest = v;
            int[] digits = new int[5];
            for (int k = 4; k >= 0; k--) {
                digits[k] = rest % 3;
                rest /= 3;
            }
            for (int k = 0; k < 5; k++) {
                row[Base3Format.BLOCK_BYTES * k] = (byte) (digits[k] - 1);
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(TernaryFormat.BASE3.packedBytes(1, row.length));
                TernaryFormat.BASE3.pack(row, 1, row.length, seg);
                assertArrayEquals(row, TernaryFormat.BASE3.unpack(seg, 1, row.length), "value " + v);
            }
        }
    }

    @Test
    void packUnpackRoundTripsWithPadding() {
        Random random = new Random(2);
        for (TernaryFormat f :
                new TernaryFormat[] {TernaryFormat.TWO_BIT, TernaryFormat.BASE3, TernaryFormat.BIT_PLANE,
                    TernaryFormat.BIT_SLICE}) {
            // 17 x 33: a short last bit-slice row block; 40 x 2900: 10 bit-slice groups per row
            for (int[] shape : new int[][] {{1, 1}, {17, 33}, {40, 700}, {40, 2900}}) {
                byte[] trits = TernaryExactnessTest.randomTrits(random, shape[0] * shape[1], 0.3);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment seg = arena.allocate(f.packedBytes(shape[0], shape[1]));
                    f.pack(trits, shape[0], shape[1], seg);
                    assertArrayEquals(trits, f.unpack(seg, shape[0], shape[1]));
                }
            }
        }
    }

    @Test
    void sizesMatchTheAdvertisedBits() {
        assertEquals(2048L * 2048 / 4, TernaryFormat.TWO_BIT.packedBytes(2048, 2048));
        assertEquals(2560L * 2560 / 5, TernaryFormat.BASE3.packedBytes(2560, 2560));
        // a 2048-column row pads to 2080 columns with 32-byte blocks (2240 with 64-byte ones)
        assertEquals(Base3Format.BLOCK_BYTES == 32 ? 416 : 448, TernaryFormat.BASE3.packedBytes(1, 2048));
        assertEquals(2048L * 2048 / 4, TernaryFormat.BIT_PLANE.packedBytes(2048, 2048));
        assertEquals(7168L / 4, TernaryFormat.BIT_PLANE.packedBytes(1, 6912)); // columns padded to 512
        assertEquals(64, Lut2Format.ROW_BLOCK * 4);
        // 1.6 bits per weight, columns padded to groups of 320, rows to blocks of 8
        assertEquals(2560L * 2560 / 5, TernaryFormat.BIT_SLICE.packedBytes(2560, 2560));
        assertEquals(8 * 7 * 64, TernaryFormat.BIT_SLICE.packedBytes(1, 2048));
    }

    @Test
    void bitSliceCodesEveryTritPatternOnceAndCodeZeroIsZeroTrits() {
        java.util.Set<Integer> codes = new java.util.HashSet<>();
        for (int v = 0; v < 243; v++) {
            int[] t = new int[5];
            for (int k = 0, rest = v; k < 5; k++, rest /= 3) {
                t[k] = rest % 3 - 1;
            }
            int code = BitSliceFormat.encode(t[0], t[1], t[2], t[3], t[4]);
            assertTrue(codes.add(code), "pattern " + v + " shares code " + code);
            for (int k = 0; k < 5; k++) {
                assertEquals(t[k], BitSliceFormat.trit(code, k), "pattern " + v + ", trit " + k);
            }
        }
        for (int k = 0; k < 5; k++) {
            assertEquals(0, BitSliceFormat.trit(0, k)); // so padding and fillZero are plain zero bytes
        }
    }

    @Test
    void rejectsNonTrits() {
        assertThrows(IllegalArgumentException.class,
                () -> TernaryMatrix.fromTrits(new byte[] {2}, 1, 1, 1f, TernaryFormat.TWO_BIT));
    }
}

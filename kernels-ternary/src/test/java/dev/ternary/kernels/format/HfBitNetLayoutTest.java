package dev.ternary.kernels.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HfBitNetLayoutTest {

    private static byte[] randomTrits(Random random, int n) {
        byte[] t = new byte[n];
        for (int i = 0; i < n; i++) {
            t[i] = (byte) (random.nextInt(3) - 1);
        }
        return t;
    }

    @Test
    void packThenUnpackRoundTrips() {
        Random random = new Random(7);
        for (int[] shape : new int[][] {{4, 1}, {8, 3}, {64, 37}, {128, 256}}) {
            byte[] trits = randomTrits(random, shape[0] * shape[1]);
            byte[] packed = HfBitNetLayout.pack(trits, shape[0], shape[1]);
            assertEquals(shape[0] / 4 * shape[1], packed.length);
            assertArrayEquals(trits, HfBitNetLayout.unpack(packed, shape[0], shape[1]));
        }
    }

    @Test
    void matchesTheDocumentedBitPositions() {
        // rows = 8, cols = 2: packed row r holds source rows r, r+2, r+4, r+6 in bit pairs 0, 2, 4, 6.
        byte[] trits = {
            0, -1, // row 0
            -1, 1, // row 1
            -1, 1, // row 2
            -1, 1, // row 3
            1, 0, // row 4
            0, -1, // row 5
            1, -1, // row 6
            1, -1, // row 7
        };
        byte[] packed = HfBitNetLayout.pack(trits, 8, 2);
        // column 0 of packed row 0: rows 0,2,4,6 = 0,-1,1,1 -> codes 1,0,2,2 -> 0b10_10_00_01
        assertEquals((byte) 0b10100001, packed[0]);
        // column 1 of packed row 0: rows 0,2,4,6 = -1,1,0,-1 -> codes 0,2,1,0 -> 0b00_01_10_00
        assertEquals((byte) 0b00011000, packed[1]);
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 2; c++) {
                assertEquals(trits[r * 2 + c], HfBitNetLayout.tritAt(packed, 8, 2, r, c));
            }
        }
    }

    @Test
    void rejectsRowsNotAMultipleOfFour() {
        assertThrows(IllegalArgumentException.class, () -> HfBitNetLayout.pack(new byte[6], 6, 1));
    }

    @Test
    void rejectsTheInvalidCodeThree() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> HfBitNetLayout.unpack(new byte[] {(byte) 0xFF}, 4, 1));
        assertEquals("invalid trit code 3 in packed byte at row 0, column 0", e.getMessage());
    }
}

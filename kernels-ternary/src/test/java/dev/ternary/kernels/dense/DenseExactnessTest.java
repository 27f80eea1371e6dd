package dev.ternary.kernels.dense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ternary.kernels.parallel.KernelThreads;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Vector API dense kernels against their scalar twins, bit for bit, with tails; rerun at every vector width. */
class DenseExactnessTest {

    @ParameterizedTest
    @EnumSource(DenseFormat.class)
    void gemvAndGemmMatchScalar(DenseFormat format) {
        Random random = new Random(5);
        try (KernelThreads two = new KernelThreads(2)) {
            for (int[] shape : new int[][] {{1, 1}, {3, 7}, {9, 33}, {16, 64}, {31, 101}, {64, 515}}) {
                int rows = shape[0], cols = shape[1];
                float[] w = new float[rows * cols];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) random.nextGaussian();
                }
                try (DenseMatrix m = DenseMatrix.fromFloats(format, w, rows, cols)) {
                    int tokens = 6;
                    float[] x = new float[tokens * cols];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) random.nextGaussian();
                    }
                    float[] expected = new float[tokens * rows];
                    for (int t = 0; t < tokens; t++) {
                        m.gemvScalar(x, t * cols, expected, t * rows);
                    }
                    float[] y = new float[rows];
                    m.gemv(two, x, y);
                    assertArrayEquals(java.util.Arrays.copyOf(expected, rows), y, format + " gemv " + rows + "x" + cols);
                    float[] g = new float[tokens * rows];
                    m.gemm(two, x, tokens, g);
                    assertArrayEquals(expected, g, format + " gemm " + rows + "x" + cols);
                }
            }
        }
    }

    @Test
    void q8RowLookupDequantizes() {
        float[] w = {1f, -2f, 0.5f, 4f, 0f, -4f};
        try (DenseMatrix m = DenseMatrix.fromFloats(DenseFormat.Q8, w, 2, 3)) {
            float[] row = new float[3];
            m.row(1, row, 0);
            assertArrayEquals(new float[] {4f, 0f, -4f}, row, 1e-6f);
            m.row(0, row, 0);
            assertEquals(-2f, row[1], 2f / 127);
        }
    }

    @Test
    void q8RowsInterleavedInPairsReadBackAsWritten() {
        // 5 rows: two interleaved pairs and a plain last row; 150 columns: two whole granules and a rest
        int rows = 5, cols = 150;
        float[] w = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                w[r * cols + c] = (r + 1) * ((c % 41) - 20);
            }
        }
        try (DenseMatrix m = DenseMatrix.fromFloats(DenseFormat.Q8, w, rows, cols)) {
            java.util.Set<Long> offsets = new java.util.HashSet<>();
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                m.row(r, row, 0);
                float scale = 20f * (r + 1) / 127;
                for (int c = 0; c < cols; c++) {
                    offsets.add(m.q8Offset(r, c));
                    assertEquals(w[r * cols + c], row[c], scale / 2 + 1e-5f, "row " + r + " col " + c);
                }
            }
            assertEquals((long) rows * cols, offsets.size(), "every weight has its own byte");
            assertEquals(java.util.Collections.max(offsets) + 1, m.byteSize());
            assertEquals(64, m.q8Offset(1, 0), "row 1 starts after row 0's first granule");
            assertEquals(128, m.q8Offset(0, 64), "row 0's second granule follows row 1's first");
            assertEquals(2 * 128 + 22, m.q8Offset(1, 128), "rests follow the granules, row after row");
        }
    }

    @Test
    void q8OnlyCallsOnOtherFormatsSaySo() {
        try (DenseMatrix m = DenseMatrix.allocate(DenseFormat.BF16, 2, 3)) {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> m.q8Offset(0, 0));
            assertEquals("a BF16 matrix has no Q8 rows", e.getMessage());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> m.setRowScale(0, 1f));
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, DenseMatrix.toBf16(1f));
        assertEquals((short) 0x3F80, DenseMatrix.toBf16(Float.intBitsToFloat(0x3F808000))); // tie, even stays
        assertEquals((short) 0x3F82, DenseMatrix.toBf16(Float.intBitsToFloat(0x3F818000))); // tie, rounds up to even
        assertEquals((short) 0x3F81, DenseMatrix.toBf16(Float.intBitsToFloat(0x3F808001)));
    }
}

package dev.ternary.kernels.dense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Building a dense matrix warms its format's kernels up first, and the warm-up leaves the matrix alone. */
class DenseWarmUpTest {

    @Test
    void buildingAMatrixWarmsItsFormatUp() {
        float[] w = {1f, -2f, 0.5f, 4f, 0f, -4f};
        try (DenseMatrix m = DenseMatrix.fromFloats(DenseFormat.Q8, w, 2, 3)) {
            assertTrue(DenseWarmUp.started(DenseFormat.Q8));
            float[] row = new float[3];
            m.row(1, row, 0);
            assertArrayEquals(new float[] {4f, 0f, -4f}, row, 1e-6f);
        }
    }
}

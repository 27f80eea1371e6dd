package dev.ternary.kernels.ternary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.kernels.format.TernaryFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Building a matrix warms its format's kernels up first, and the warm-up leaves the matrix's results alone. */
class KernelWarmUpTest {

    @Test
    void buildingAMatrixWarmsItsFormatUp() {
        Random random = new Random(5);
        int rows = 20, cols = 100;
        byte[] trits = TernaryExactnessTest.randomTrits(random, rows * cols, 0.3);
        try (TernaryMatrix m = TernaryMatrix.fromTrits(trits, rows, cols, 1f, TernaryFormat.TWO_BIT)) {
            assertTrue(KernelWarmUp.started(TernaryFormat.TWO_BIT));
            assertArrayEquals(trits, m.toTrits());
        }
    }
}

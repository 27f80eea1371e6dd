package dev.ternary.convert.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AbsmeanTernarizerTest {
    @Test
    void scaleIsTheMeanAbsoluteValue() {
        float[] w = {0.5f, -1.5f, 0.25f, -0.25f, 0f};
        assertEquals(2.5 / 5, AbsmeanTernarizer.scale(AbsmeanTernarizer.absSum(w, 5), 5), 0f);
    }

    @Test
    void scaleIsClampedForAllZeroTensors() {
        assertEquals(1e-5f, AbsmeanTernarizer.scale(0, 100));
    }

    @Test
    void ternarizesWithHalfToEvenRounding() {
        // s = 0.5 (1/s = 2): 0.25 maps to exactly 0.5, which rounds to even 0; 0.26 to 0.52 -> 1; 3.0 clamps to 1
        float[] w = {0.25f, -0.25f, 0.26f, -0.26f, 3.0f, -3.0f, 0.0f, 0.1f};
        byte[] t = new byte[w.length];
        AbsmeanTernarizer.ternarize(w, w.length, 2.0f, t);
        assertArrayEquals(new byte[] {0, 0, 1, -1, 1, -1, 0, 0}, t);
    }
}

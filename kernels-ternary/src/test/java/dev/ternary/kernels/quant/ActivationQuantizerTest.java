package dev.ternary.kernels.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ActivationQuantizerTest {

    @Test
    void roundsHalfToEvenAndReportsTheScale() {
        // max = 127, so scale = 1 and q = rint(x)
        float[] x = {127f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -127f};
        Int8Activations a = new Int8Activations(x.length, 1);
        assertEquals(127f, ActivationQuantizer.quantize(x, 0, a, 0));
        byte[] q = java.util.Arrays.copyOf(a.q(), x.length);
        assertArrayEquals(new byte[] {127, 0, 2, 2, 0, -2, -127}, q);
        assertEquals(1f, a.dequantScale(0));
        assertEquals(0, a.q()[x.length], "padding stays zero");
        assertEquals(320, a.stride());
    }

    @Test
    void clampsTheMaximumLikeHuggingFace() {
        float[] x = {0f, 0f, 0f};
        Int8Activations a = new Int8Activations(3, 2);
        assertEquals(1e-5f, ActivationQuantizer.quantize(x, 0, a, 1));
        assertEquals(0, a.q()[a.stride()]);
    }

    @Test
    void matchesTheFormulaOnRandomValues() {
        java.util.Random random = new java.util.Random(3);
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * 3;
        }
        Int8Activations a = new Int8Activations(x.length, 1);
        float max = ActivationQuantizer.quantize(x, 0, a, 0);
        float scale = 127f / max;
        for (int i = 0; i < x.length; i++) {
            long expected = Math.max(-128, Math.min(127, Math.round(Math.rint(x[i] * scale))));
            assertEquals(expected, a.q()[i]);
        }
    }
}

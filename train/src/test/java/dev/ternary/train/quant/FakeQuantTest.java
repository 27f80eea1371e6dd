package dev.ternary.train.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ternary.convert.quant.AbsmeanTernarizer;
import dev.ternary.train.model.BitLinear;
import dev.ternary.train.model.DenseLinear;
import dev.ternary.train.model.Torch;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeQuantTest {
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = Torch.newManager(Device.cpu());
        Torch.gradMode(false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static float[] gaussian(int n, long seed, double std) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return v;
    }

    @Test
    void weightQuantizationIsTheConvertersAbsmeanTernarization() {
        float[] w = gaussian(64 * 48, 1, 0.02);
        float scale = AbsmeanTernarizer.scale(AbsmeanTernarizer.absSum(w, w.length), w.length);
        byte[] trits = new byte[w.length];
        AbsmeanTernarizer.ternarize(w, w.length, 1f / scale, trits);

        float[] q = FakeQuant.ternaryWeights(manager.create(w, new Shape(64, 48))).toFloatArray();
        for (int i = 0; i < w.length; i++) {
            assertEquals(trits[i] * scale, q[i], scale * 1e-5f, "element " + i);
        }
    }

    @Test
    void activationQuantizationIsPerTokenAbsmaxInt8WithHalfEvenRounding() {
        // Row 0: max 127 gives scale 1, so the values show the rounding itself (torch.round is half-to-even).
        // Row 1: max 2 gives scale 63.5; row 2 is all zeros (the 1e-5 floor keeps it finite and zero).
        float[] x = {127f, 0.5f, 1.5f, -2.5f, 2f, 0.01f, -1f, 0.3f, 0f, 0f, 0f, 0f};
        float[] q = FakeQuant.int8Activations(manager.create(x, new Shape(3, 4))).toFloatArray();
        assertArrayEquals(new float[] {127f, 0f, 2f, -2f}, java.util.Arrays.copyOfRange(q, 0, 4));
        float s = 127f / 2f;
        for (int i = 4; i < 8; i++) {
            assertEquals(Math.rint(x[i] * s) / s, q[i], 1e-6, "row 1 element " + (i - 4));
        }
        assertArrayEquals(new float[4], java.util.Arrays.copyOfRange(q, 8, 12));
    }

    @Test
    void straightThroughBlendsForwardAndPassesGradientUnchanged() {
        float[] values = gaussian(32, 2, 1.0);
        for (float lambda : new float[] {0.25f, 1f}) {
            NDArray x = manager.create(values, new Shape(4, 8));
            x.setRequiresGradient(true);
            float[] forward;
            try (GradientCollector c = Torch.engine().newGradientCollector()) {
                NDArray y = new QuantContext(lambda, true).apply(x, FakeQuant::int8Activations);
                forward = y.toFloatArray();
                c.backward(y.mul(manager.create(3f)).sum());
            }
            Torch.gradMode(false);
            float[] q = FakeQuant.int8Activations(manager.create(values, new Shape(4, 8))).toFloatArray();
            for (int i = 0; i < values.length; i++) {
                assertEquals((1 - lambda) * values[i] + lambda * q[i], forward[i], 1e-5f, "λ=" + lambda + " value " + i);
            }
            float[] grad = x.getGradient().toFloatArray();
            for (float g : grad) {
                assertEquals(3f, g, 0f, "the rounding must be invisible to the gradient");
            }
        }
    }

    @Test
    void bitLinearAtLambdaZeroIsTheDenseLayerAndAtOneTheDeployedOne() {
        NDArray w = manager.create(gaussian(16 * 24, 3, 0.05), new Shape(16, 24));
        NDArray x = manager.create(gaussian(2 * 5 * 24, 4, 1.0), new Shape(2, 5, 24));
        BitLinear bit = new BitLinear(w, null, false);
        float[] dense = new DenseLinear(w, null).forward(x, QuantContext.DEPLOYED).toFloatArray();
        assertArrayEquals(dense, bit.forward(x, new QuantContext(0f, true)).toFloatArray(), 0f);

        float[] deployed = bit.forward(x, QuantContext.DEPLOYED).toFloatArray();
        float[] training = bit.forward(x, new QuantContext(1f, true)).toFloatArray();
        assertArrayEquals(deployed, training, 1e-4f);
        NDArray manual = FakeQuant.int8Activations(x).matMul(FakeQuant.ternaryWeights(w).transpose());
        assertArrayEquals(manual.toFloatArray(), deployed, 0f);
        boolean differs = false;
        for (int i = 0; i < dense.length; i++) {
            differs |= Math.abs(dense[i] - deployed[i]) > 1e-3;
        }
        assertEquals(true, differs, "quantization must change the output");
    }

    @Test
    void warmupRampsLambdaLinearlyThenHoldsOne() {
        QuantWarmup w = new QuantWarmup(4);
        assertEquals(0f, w.lambda(0));
        assertEquals(0.5f, w.lambda(2));
        assertEquals(1f, w.lambda(4));
        assertEquals(1f, w.lambda(100));
        assertEquals(1f, new QuantWarmup(0).lambda(0));
    }
}

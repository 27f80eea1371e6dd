package dev.ternary.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ternary.train.model.Torch;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {
    @Test
    void twoStepsMatchTheAlgorithmWrittenOutByHand() {
        try (NDManager m = Torch.newManager(Device.cpu())) {
            Torch.gradMode(false);
            NDArray w = m.create(new float[] {1f, -2f, 0.5f, 3f}, new Shape(2, 2));
            NDArray norm = m.create(new float[] {1f, 1f}, new Shape(2));
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("layer.weight", w);
            params.put("model.norm.weight", norm);
            params.values().forEach(p -> p.setRequiresGradient(true));
            AdamW.Settings s = new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, 0);
            AdamW opt = new AdamW(params, s);

            double[] pw = {1, -2, 0.5, 3};
            double[] mw = new double[4], vw = new double[4];
            double lr = 0.01;
            for (int step = 1; step <= 2; step++) {
                // loss = Σ w² + Σ 2·norm → grad w = 2w, grad norm = 2
                try (GradientCollector c = Torch.engine().newGradientCollector()) {
                    c.backward(w.square().sum().add(norm.mul(2f).sum()));
                }
                Torch.gradMode(false);
                opt.step(lr);
                for (int i = 0; i < 4; i++) {
                    double g = 2 * pw[i];
                    mw[i] = 0.9 * mw[i] + 0.1 * g;
                    vw[i] = 0.95 * vw[i] + 0.05 * g * g;
                    double mhat = mw[i] / (1 - Math.pow(0.9, step));
                    double vhat = vw[i] / (1 - Math.pow(0.95, step));
                    pw[i] = pw[i] * (1 - lr * 0.1) - lr * mhat / (Math.sqrt(vhat) + 1e-8);
                }
            }
            float[] actual = w.toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(pw[i], actual[i], 1e-6, "weight " + i);
            }
            // Norms are not decayed: two Adam steps of a constant gradient move them by lr each.
            assertEquals(1 - 2 * lr, norm.toFloatArray()[0], 1e-6);
            assertEquals(0f, w.getGradient().abs().sum().getFloat(), "gradients are zeroed after a step");
        }
    }

    @Test
    void clippingScalesTheGlobalNorm() {
        try (NDManager m = Torch.newManager(Device.cpu())) {
            Torch.gradMode(false);
            NDArray w = m.create(new float[] {3f, 4f}, new Shape(2));
            w.setRequiresGradient(true);
            AdamW opt = new AdamW(Map.of("w", w), new AdamW.Settings(0.9, 0.95, 1e-8, 0, 1.0));
            try (GradientCollector c = Torch.engine().newGradientCollector()) {
                c.backward(w.square().sum().mul(0.5f)); // grad = w = (3, 4), norm 5
            }
            Torch.gradMode(false);
            assertEquals(5.0, opt.step(0.1), 1e-6);
            // The first Adam step moves every element by lr·sign(g) whatever the scale: check the moments instead.
            float[] m1 = opt.state().get("m.w").toFloatArray();
            assertEquals(0.1 * 3 / 5, m1[0], 1e-6);
            assertEquals(0.1 * 4 / 5, m1[1], 1e-6);
        }
    }

    @Test
    void cosineScheduleWarmsUpThenDecaysToTheFloor() {
        CosineSchedule s = new CosineSchedule(1.0, 4, 14, 0.1);
        assertEquals(0.25, s.rate(0), 1e-12);
        assertEquals(1.0, s.rate(3), 1e-12);
        assertEquals(1.0, s.rate(4), 1e-12);
        assertEquals(0.55, s.rate(9), 1e-12);
        assertEquals(0.1, s.rate(14), 1e-12);
        assertEquals(0.1, s.rate(100), 1e-12);
    }
}

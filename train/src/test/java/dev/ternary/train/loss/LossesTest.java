package dev.ternary.train.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ternary.train.model.Torch;
import org.junit.jupiter.api.Test;

class LossesTest {
    private static double[] softmax(double[] z, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v / t);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] / t - max);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Test
    void distillationLossIsAlphaTauSquaredKlPlusOneMinusAlphaCrossEntropy() {
        double[][] student = {{1, 2, 0.5}, {-1, 0, 3}};
        double[][] teacher = {{2, 1, 0}, {0, 0.5, 2.5}};
        long[] targets = {1, 2};
        double tau = 2.0;
        double alpha = 0.7;
        double kl = 0;
        double ce = 0;
        for (int t = 0; t < 2; t++) {
            double[] ps = softmax(student[t], tau);
            double[] pt = softmax(teacher[t], tau);
            for (int v = 0; v < 3; v++) {
                kl += pt[v] * Math.log(pt[v] / ps[v]) / 2;
            }
            ce -= Math.log(softmax(student[t], 1)[(int) targets[t]]) / 2;
        }
        try (NDManager m = Torch.newManager(Device.cpu())) {
            Torch.gradMode(false);
            NDArray s = m.create(new float[] {1, 2, 0.5f, -1, 0, 3}, new Shape(1, 2, 3));
            NDArray te = m.create(new float[] {2, 1, 0, 0, 0.5f, 2.5f}, new Shape(1, 2, 3));
            LossParts parts = Losses.distillation(s, te, m.create(targets, new Shape(1, 2)), (float) tau,
                    (float) alpha);
            assertEquals(kl, parts.distillation().getFloat(), 1e-6);
            assertEquals(ce, parts.crossEntropy().getFloat(), 1e-6);
            assertEquals(alpha * tau * tau * kl + (1 - alpha) * ce, parts.total().getFloat(), 1e-5);
            assertEquals(0.0, Losses.distillationKl(te, te, 1f).getFloat(), 1e-7, "KL of a model with itself is 0");
        }
    }
}

package dev.ternary.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.ternary.train.model.ParameterLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter 2019, "Decoupled Weight Decay Regularization") over a model's parameters, with
 * global-norm gradient clipping. Its moments are plain named tensors so a checkpoint can save and restore them
 * exactly. Weight decay applies to matrices only, not to norms or biases (their scale is not a capacity to
 * regularise). Call with grad mode off: the updates are in place on leaf tensors.
 */
public final class AdamW {
    /** Hyper-parameters; {@code clipNorm ≤ 0} disables clipping. */
    public record Settings(double beta1, double beta2, double eps, double weightDecay, double clipNorm) {
        public static Settings defaults(double weightDecay, double clipNorm) {
            return new Settings(0.9, 0.95, 1e-8, weightDecay, clipNorm);
        }
    }

    private final Map<String, NDArray> params;
    private final Settings settings;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private long steps;

    public AdamW(Map<String, NDArray> params, Settings settings) {
        this.params = params;
        this.settings = settings;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            firstMoments.put(e.getKey(), zerosLike(e.getValue()));
            secondMoments.put(e.getKey(), zerosLike(e.getValue()));
        }
    }

    private static NDArray zerosLike(NDArray a) {
        NDArray z = a.getManager().zeros(a.getShape(), a.getDataType());
        NDScope.unregister(z);
        return z;
    }

    /**
     * Applies one update from the accumulated gradients, then zeroes them. Returns the gradient norm before
     * clipping.
     */
    public double step(double learningRate) {
        steps++;
        double norm = gradientNorm();
        float clip = settings.clipNorm() > 0 && norm > settings.clipNorm()
                ? (float) (settings.clipNorm() / (norm + 1e-6)) : 1f;
        float b1 = (float) settings.beta1();
        float b2 = (float) settings.beta2();
        double correction1 = 1 - Math.pow(settings.beta1(), steps);
        double correction2 = 1 - Math.pow(settings.beta2(), steps);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            // One scope per parameter: its temporaries (several times the parameter's size) die right away.
            try (NDScope ignored = new NDScope()) {
                NDArray p = e.getValue();
                NDArray g = p.getGradient();
                NDArray grad = clip == 1f ? g : g.mul(clip);
                NDArray m = firstMoments.get(e.getKey());
                NDArray v = secondMoments.get(e.getKey());
                m.muli(b1).addi(grad.mul(1 - b1));
                v.muli(b2).addi(grad.square().mul(1 - b2));
                if (settings.weightDecay() > 0 && decays(e.getKey(), p)) {
                    p.muli((float) (1 - learningRate * settings.weightDecay()));
                }
                NDArray denominator = v.div((float) correction2).sqrt().add((float) settings.eps());
                p.subi(m.div(denominator).mul((float) (learningRate / correction1)));
                g.subi(g);
            }
        }
        return norm;
    }

    private static boolean decays(String name, NDArray p) {
        return p.getShape().dimension() >= 2 && !ParameterLayout.isNorm(name);
    }

    /** √Σ‖g‖² over all parameters. */
    public double gradientNorm() {
        double sum = 0;
        for (NDArray p : params.values()) {
            try (NDScope ignored = new NDScope()) {
                sum += p.getGradient().square().sum().getFloat();
            }
        }
        return Math.sqrt(sum);
    }

    /** Zeroes the accumulated gradients without updating (e.g. after a skipped step). */
    public void zeroGradients() {
        for (NDArray p : params.values()) {
            try (NDScope ignored = new NDScope()) {
                NDArray g = p.getGradient();
                g.subi(g);
            }
        }
    }

    public long steps() {
        return steps;
    }

    /** The state to checkpoint: {@code m.NAME} and {@code v.NAME} tensors. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> s = new LinkedHashMap<>();
        firstMoments.forEach((k, v) -> s.put("m." + k, v));
        secondMoments.forEach((k, v) -> s.put("v." + k, v));
        return s;
    }

    /** Restores moments saved by {@link #state()} and the step count. */
    public void restore(Map<String, float[]> state, long stepCount) {
        restoreInto(firstMoments, "m.", state);
        restoreInto(secondMoments, "v.", state);
        this.steps = stepCount;
    }

    private static void restoreInto(Map<String, NDArray> target, String prefix, Map<String, float[]> state) {
        for (Map.Entry<String, NDArray> e : target.entrySet()) {
            float[] values = state.get(prefix + e.getKey());
            if (values == null || values.length != e.getValue().size()) {
                throw new IllegalStateException("optimizer state has no matching '" + prefix + e.getKey() + "'");
            }
            e.getValue().set(values);
        }
    }
}

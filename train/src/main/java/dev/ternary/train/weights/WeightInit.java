package dev.ternary.train.weights;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.train.model.ModelSpec;
import dev.ternary.train.model.ParameterLayout;
import dev.ternary.train.model.ParameterStore;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fresh weights for training from scratch, as transformers initialises a Llama: every matrix and the embedding
 * normal with mean 0 and std {@code initializer_range} (0.02 by default), biases 0, norms 1. Each tensor draws from
 * its own stream seeded by the run seed and its name, so the result does not depend on tensor order or engine.
 */
public final class WeightInit {
    public static final double DEFAULT_STD = 0.02;

    private WeightInit() {}

    public static double std(HfConfig config) {
        var n = config.json().get("initializer_range");
        return n != null && n.isNumber() ? n.asDouble() : DEFAULT_STD;
    }

    public static ParameterStore randomize(ModelSpec spec, double std, long seed, NDManager manager) {
        ParameterStore store = new ParameterStore(manager);
        for (Map.Entry<String, long[]> e : ParameterLayout.shapes(spec).entrySet()) {
            String name = e.getKey();
            int n = Math.toIntExact(new Shape(e.getValue()).size());
            float[] values = new float[n];
            if (ParameterLayout.isNorm(name)) {
                java.util.Arrays.fill(values, 1f);
            } else if (!name.endsWith(".bias")) {
                SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
                for (int i = 0; i < n; i++) {
                    values[i] = (float) (random.nextGaussian() * std);
                }
            }
            store.put(name, manager.create(values, new Shape(e.getValue())), false);
        }
        return store;
    }
}

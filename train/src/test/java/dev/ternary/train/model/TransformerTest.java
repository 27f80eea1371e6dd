package dev.ternary.train.model;

import dev.ternary.convert.model.MlpActivation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ternary.convert.model.Architecture;
import dev.ternary.train.quant.QuantContext;
import dev.ternary.train.weights.WeightInit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransformerTest {
    static ModelSpec tinySpec(Architecture arch) {
        boolean bitnet = arch == Architecture.BITNET;
        return new ModelSpec(arch, 40, 32, 2, 4, 2, 8, 48, 1e-5, 10000.0, Optional.empty(), arch == Architecture.QWEN2,
                bitnet ? MlpActivation.RELU2 : MlpActivation.SILU, bitnet, arch == Architecture.QWEN2);
    }

    /** Random weights with random (not unit) norms and biases, so every tensor matters. */
    static ParameterStore randomStore(ModelSpec spec, NDManager manager, long seed) {
        ParameterStore init = WeightInit.randomize(spec, 0.2, seed, manager);
        ParameterStore store = new ParameterStore(manager);
        SplittableRandom r = new SplittableRandom(seed);
        for (var e : init.arrays().entrySet()) {
            NDArray a = e.getValue();
            String name = e.getKey();
            if (ParameterLayout.isNorm(name) || name.endsWith(".bias")) {
                float[] v = new float[(int) a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (name.endsWith(".bias") ? r.nextGaussian() * 0.1 : 0.5 + r.nextDouble());
                }
                a = manager.create(v, a.getShape());
            }
            store.put(name, a, false);
        }
        return store;
    }

    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = {"LLAMA", "BITNET", "QWEN2"})
    void djlForwardMatchesScalarReferenceDenseAndTernary(Architecture arch) {
        ModelSpec spec = tinySpec(arch);
        try (NDManager manager = Torch.newManager(Device.cpu())) {
            ParameterStore store = randomStore(spec, manager, 7);
            Map<String, float[]> weights = new LinkedHashMap<>();
            store.arrays().forEach((k, v) -> weights.put(k, v.toFloatArray()));
            int[] tokens = {3, 17, 0, 39, 5, 5, 22};
            for (Transformer.Linears linears : Transformer.Linears.values()) {
                Transformer model = Transformer.build(spec, store, linears);
                boolean ternary = linears == Transformer.Linears.TERNARY;
                float[][] expected = new ReferenceTransformer(spec, weights, ternary).logits(tokens);
                float[] actual = model.logits(tokenArray(manager, tokens), QuantContext.DEPLOYED).toFloatArray();
                double scale = 0;
                double maxDiff = 0;
                for (int t = 0; t < tokens.length; t++) {
                    for (int v = 0; v < spec.vocabSize(); v++) {
                        scale = Math.max(scale, Math.abs(expected[t][v]));
                        maxDiff = Math.max(maxDiff, Math.abs(expected[t][v] - actual[t * spec.vocabSize() + v]));
                    }
                }
                // Ternary mode rounds activations to int8: a last-ulp difference in a matmul can move one value by
                // a whole step, so it gets a looser (still structure-revealing) bound.
                double tolerance = ternary ? 2e-2 : 1e-4;
                assertTrue(maxDiff <= tolerance * scale, arch + " " + linears + ": max |diff| " + maxDiff
                        + " vs logit scale " + scale);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = {"LLAMA", "BITNET"})
    void laterTokensDoNotChangeEarlierLogits(Architecture arch) {
        ModelSpec spec = tinySpec(arch);
        try (NDManager manager = Torch.newManager(Device.cpu())) {
            Transformer model = Transformer.build(spec, randomStore(spec, manager, 3), Transformer.Linears.TERNARY);
            float[] a = model.logits(tokenArray(manager, new int[] {1, 2, 3, 4}), QuantContext.DEPLOYED).toFloatArray();
            float[] b = model.logits(tokenArray(manager, new int[] {1, 2, 3, 30}), QuantContext.DEPLOYED).toFloatArray();
            int v = spec.vocabSize();
            for (int i = 0; i < 3 * v; i++) {
                assertEquals(a[i], b[i], 1e-6f, "position " + i / v);
            }
            boolean lastDiffers = false;
            for (int i = 3 * v; i < 4 * v; i++) {
                lastDiffers |= Math.abs(a[i] - b[i]) > 1e-4f;
            }
            assertTrue(lastDiffers, "the changed token must change its own logits");
        }
    }

    static NDArray tokenArray(NDManager manager, int[] tokens) {
        long[] ids = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = tokens[i];
        }
        return manager.create(ids, new Shape(1, tokens.length));
    }
}

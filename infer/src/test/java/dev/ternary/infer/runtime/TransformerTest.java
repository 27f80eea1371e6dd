package dev.ternary.infer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.ConvertListener;
import dev.ternary.convert.ConvertOptions;
import dev.ternary.convert.Converter;
import dev.ternary.convert.model.Architecture;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.synthetic.ModelShape;
import dev.ternary.convert.synthetic.SyntheticCheckpoint;
import dev.ternary.infer.model.LoadOptions;
import dev.ternary.infer.model.Model;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformerTest {
    private static final ModelShape TINY = ModelShape.Preset.TINY.shape();
    private static final int[] TOKENS = {1, 17, 200, 3, 99, 45, 45, 250, 7, 128, 64, 2};

    @TempDir
    Path tmp;

    private Path model(Architecture arch, boolean tied, boolean llama3Rope) throws Exception {
        ModelShape shape = new ModelShape(arch, TINY.vocabSize(), TINY.hiddenSize(), TINY.layers(), TINY.heads(),
                TINY.kvHeads(), TINY.intermediateSize(), tied, TINY.maxPositions(), TINY.ropeTheta());
        Path dir = tmp.resolve(arch + (tied ? "-tied" : "") + (llama3Rope ? "-rope" : ""));
        SyntheticCheckpoint.write(dir, shape, DType.F32, 3, 0);
        if (llama3Rope) {
            ObjectMapper json = new ObjectMapper();
            ObjectNode config = (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
            ObjectNode scaling = config.putObject("rope_scaling");
            scaling.put("rope_type", "llama3");
            scaling.put("factor", 8.0);
            scaling.put("low_freq_factor", 1.0);
            scaling.put("high_freq_factor", 4.0);
            scaling.put("original_max_position_embeddings", 16);
            config.put("rope_theta", 500000.0);
            json.writeValue(dir.resolve("config.json").toFile(), config);
        }
        return dir;
    }

    private static float[][] runtimeLogits(Path dir, LoadOptions options, boolean tokenByToken) {
        try (Model model = Model.load(dir, options)) {
            Transformer t = model.newTransformer();
            int vocab = model.config().vocabSize();
            float[][] out = new float[TOKENS.length][];
            if (tokenByToken) {
                for (int p = 0; p < TOKENS.length; p++) {
                    out[p] = java.util.Arrays.copyOf(t.forward(TOKENS, p, 1, p, false), vocab);
                }
            } else {
                // blocks of at most maxBlock tokens, as prefill does
                for (int start = 0; start < TOKENS.length; start += t.maxBlock()) {
                    int count = Math.min(t.maxBlock(), TOKENS.length - start);
                    float[] block = t.forward(TOKENS, start, count, start, true);
                    for (int i = 0; i < count; i++) {
                        out[start + i] = java.util.Arrays.copyOfRange(block, i * vocab, (i + 1) * vocab);
                    }
                }
            }
            return out;
        }
    }

    private static void assertClose(double[][] expected, float[][] actual, double relativeTolerance, String what) {
        double worst = 0;
        double scale = 0;
        for (int t = 0; t < expected.length; t++) {
            for (int i = 0; i < expected[t].length; i++) {
                worst = Math.max(worst, Math.abs(expected[t][i] - actual[t][i]));
                scale = Math.max(scale, Math.abs(expected[t][i]));
            }
        }
        assertTrue(worst <= relativeTolerance * scale, what + ": max |diff| " + worst + " vs max |logit| " + scale);
    }

    private static double[][] toDouble(float[][] f) {
        double[][] d = new double[f.length][];
        for (int i = 0; i < f.length; i++) {
            d[i] = new double[f[i].length];
            for (int j = 0; j < f[i].length; j++) {
                d[i][j] = f[i][j];
            }
        }
        return d;
    }

    @Test
    void densePathMatchesAnIndependentFp64Reference() throws Exception {
        for (Architecture arch : Architecture.values()) {
            Path dir = model(arch, arch == Architecture.BITNET, arch == Architecture.LLAMA);
            double[][] expected = new ReferenceForward(dir).logits(TOKENS);
            assertClose(expected, runtimeLogits(dir, LoadOptions.defaults().withMaxBlock(8), false), 1e-4,
                    arch + " dense");
        }
    }

    @Test
    void ternaryPathMatchesTheReferenceInt8Arithmetic() throws Exception {
        for (Architecture arch : Architecture.values()) {
            Path dense = model(arch, arch != Architecture.LLAMA, arch == Architecture.LLAMA);
            Path ternary = tmp.resolve(arch + "-ternary");
            Converter.convert(dense, ternary, ConvertOptions.defaults().withDenseDtype(Optional.of(DType.F32)),
                    ConvertListener.SILENT);
            double[][] expected = new ReferenceForward(ternary).logits(TOKENS);
            for (String format : new String[] {"2bit", "bitplane", "bitslice", "base3"}) {
                assertClose(expected, runtimeLogits(ternary,
                        LoadOptions.defaults().withMaxBlock(5).withTernaryFormat(format).withLmHead("dense"), false), 2e-3,
                        arch + " ternary " + format);
            }
        }
    }

    @Test
    void kvCacheDecodingEqualsFullRecomputation() throws Exception {
        Path dense = model(Architecture.LLAMA, false, true);
        Path ternary = tmp.resolve("ternary");
        Converter.convert(dense, ternary, ConvertOptions.defaults(), ConvertListener.SILENT);
        for (Path dir : new Path[] {dense, ternary}) {
            float[][] full = runtimeLogits(dir, LoadOptions.defaults(), false);
            float[][] incremental = runtimeLogits(dir, LoadOptions.defaults(), true);
            assertClose(toDouble(full), incremental, 1e-5, dir.getFileName() + " cached decode");
        }
    }

    @Test
    void loadingAtTernarizeMatchesConvertingFirst() throws Exception {
        Path dense = model(Architecture.LLAMA, false, false);
        Path ternary = tmp.resolve("converted");
        Converter.convert(dense, ternary, ConvertOptions.defaults().withDenseDtype(Optional.of(DType.F32)),
                ConvertListener.SILENT);
        float[][] converted = runtimeLogits(ternary, LoadOptions.defaults(), false);
        float[][] atLoad = runtimeLogits(dense, LoadOptions.defaults().withWeights(LoadOptions.WeightMode.TERNARY), false);
        for (int t = 0; t < converted.length; t++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(converted[t], atLoad[t], "position " + t);
        }
    }

    @Test
    void dequantizedBaselineMatchesTheTernaryModelUpToActivationQuantization() throws Exception {
        Path dense = model(Architecture.LLAMA, false, false);
        Path ternary = tmp.resolve("t");
        Converter.convert(dense, ternary, ConvertOptions.defaults().withDenseDtype(Optional.of(DType.F32)),
                ConvertListener.SILENT);
        double[][] ternaryLogits = toDouble(runtimeLogits(ternary, LoadOptions.defaults().withLmHead("dense"), false));
        float[][] bf16 = runtimeLogits(ternary, LoadOptions.defaults().withWeights(LoadOptions.WeightMode.DENSE),
                false);
        // same weights s*T (s rounded to bf16), activations unquantized: close, not equal
        assertClose(ternaryLogits, bf16, 5e-2, "dequantized baseline");
    }

    @Test
    void bitlinearCheckpointsStoreTheReciprocalScale() throws Exception {
        Path dense = model(Architecture.LLAMA, false, false);
        Path auto = tmp.resolve("autobitlinear");
        Converter.convert(dense, auto, ConvertOptions.defaults(), ConvertListener.SILENT);
        // the same model in the older BitLinear convention: weight_scale holds 1/s
        Path bit = tmp.resolve("bitlinear");
        java.nio.file.Files.createDirectories(bit);
        try (var in = dev.ternary.convert.safetensors.Checkpoint.openDirectory(auto)) {
            java.util.List<dev.ternary.convert.safetensors.TensorSpec> specs = new java.util.ArrayList<>();
            for (String name : in.tensorNames()) {
                var t = in.tensor(name);
                specs.add(new dev.ternary.convert.safetensors.TensorSpec(name, t.dtype(), t.shape()));
            }
            try (var out = dev.ternary.convert.safetensors.CheckpointWriter.create(bit, specs, java.util.Map.of(), 0);
                    var arena = java.lang.foreign.Arena.ofConfined()) {
                for (String name : in.tensorNames()) {
                    java.nio.ByteBuffer bytes = in.map(name, arena).asByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    if (name.endsWith("_scale")) {
                        float s = bytes.getFloat(0);
                        bytes = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                                .putFloat(0, 1f / s);
                    }
                    out.write(name, 0, bytes);
                }
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(auto.resolve("config.json").toFile());
        ((ObjectNode) config.get("quantization_config")).put("linear_class", "bitlinear");
        json.writeValue(bit.resolve("config.json").toFile(), config);

        float[][] expected = runtimeLogits(auto, LoadOptions.defaults(), false);
        assertClose(toDouble(expected), runtimeLogits(bit, LoadOptions.defaults(), false), 1e-5, "bitlinear");
    }

    @Test
    void q8LmHeadStaysCloseToDense() throws Exception {
        Path dense = model(Architecture.LLAMA, false, false);
        double[][] expected = toDouble(runtimeLogits(dense, LoadOptions.defaults(), false));
        assertClose(expected, runtimeLogits(dense, LoadOptions.defaults().withLmHead("q8"), false), 2e-2, "q8 head");
        // auto: dense head for a dense model, q8 for a ternary one
        Path ternary = tmp.resolve("auto");
        Converter.convert(dense, ternary, ConvertOptions.defaults(), ConvertListener.SILENT);
        try (Model m = Model.load(ternary, LoadOptions.defaults()); Model d = Model.load(dense, LoadOptions.defaults())) {
            assertEquals("q8", m.weights().lmHead().format());
            assertEquals("f32", d.weights().lmHead().format());
        }
        assertEquals(256, expected[0].length);
    }
}

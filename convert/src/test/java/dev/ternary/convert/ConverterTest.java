package dev.ternary.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ternary.convert.model.Architecture;
import dev.ternary.convert.safetensors.Checkpoint;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.TensorInfo;
import dev.ternary.convert.synthetic.ModelShape;
import dev.ternary.convert.synthetic.SyntheticCheckpoint;
import dev.ternary.kernels.format.HfBitNetLayout;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConverterTest {
    private static final ModelShape TINY = ModelShape.Preset.TINY.shape();
    private static final List<String> PROJECTIONS = List.of("self_attn.q_proj", "self_attn.k_proj",
            "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj");

    @TempDir
    Path tmp;

    private Path writeModel(ModelShape shape, long maxShard) throws IOException {
        Path dir = tmp.resolve("model");
        SyntheticCheckpoint.write(dir, shape, DType.BF16, 42, maxShard);
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {}}");
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": 2}");
        return dir;
    }

    /** The test's own reading of a bf16 tensor: the top 16 bits of a float. */
    private static float[] readBf16(Checkpoint c, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = c.map(name, arena);
            float[] out = new float[(int) (s.byteSize() / 2)];
            for (int i = 0; i < out.length; i++) {
                short bits = s.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i);
                out[i] = Float.intBitsToFloat((bits & 0xFFFF) << 16);
            }
            return out;
        }
    }

    private static byte[] readBytes(Checkpoint c, String name) {
        try (Arena arena = Arena.ofConfined()) {
            return c.map(name, arena).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private static Map<String, String> digests(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                out.put(p.getFileName().toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    private void assertConvertedExactly(Path input, Path output) throws Exception {
        try (Checkpoint in = Checkpoint.openDirectory(input); Checkpoint out = Checkpoint.openDirectory(output)) {
            int ternary = 0;
            for (String name : in.tensorNames()) {
                float[] w = readBf16(in, name);
                boolean projection = PROJECTIONS.stream().anyMatch(p -> name.endsWith(p + ".weight"));
                if (!projection) {
                    assertEquals(DType.BF16, out.tensor(name).dtype(), name);
                    assertArrayEquals(readBytes(in, name), readBytes(out, name), name);
                    continue;
                }
                ternary++;
                TensorInfo src = in.tensor(name);
                int rows = (int) src.dim(0);
                int cols = (int) src.dim(1);
                // Reference, written independently: s = mean|w| (double sum), T = clamp(rint(w * (1/s)), -1, 1)
                double sum = 0;
                for (float v : w) {
                    sum += Math.abs(v);
                }
                float s = Math.max((float) (sum / w.length), 1e-5f);
                float inv = 1f / s;
                byte[] expected = new byte[w.length];
                for (int i = 0; i < w.length; i++) {
                    expected[i] = (byte) Math.max(-1, Math.min(1, Math.rint(w[i] * inv)));
                }
                TensorInfo packed = out.tensor(name);
                assertEquals(DType.U8, packed.dtype());
                assertArrayEquals(new long[] {rows / 4, cols}, packed.shape());
                assertArrayEquals(expected, HfBitNetLayout.unpack(readBytes(out, name), rows, cols), name);
                TensorInfo scale = out.tensor(name + "_scale");
                assertEquals(DType.F32, scale.dtype());
                assertArrayEquals(new long[] {1}, scale.shape());
                byte[] scaleBytes = readBytes(out, name + "_scale");
                float stored = java.nio.ByteBuffer.wrap(scaleBytes).order(ByteOrder.LITTLE_ENDIAN).getFloat();
                assertEquals(s, stored, 0f, name);
            }
            assertEquals(7 * TINY.layers(), ternary);
            assertEquals(in.tensorNames().size() + ternary, out.tensorNames().size());
        }
    }

    @Test
    void convertsASingleFileCheckpointToExactReferenceTritsAndScales() throws Exception {
        Path input = writeModel(TINY, 0);
        Map<String, String> before = digests(input);
        Path output = tmp.resolve("out");
        ConvertReport report = Converter.convert(input, output, ConvertOptions.defaults(), ConvertListener.SILENT);

        assertConvertedExactly(input, output);
        assertEquals(before, digests(input), "the input is never modified");
        assertEquals(output.toAbsolutePath(), report.output());
        assertEquals(14, report.ternaryTensors());
        // 16-bit to 2-bit plus a 4-byte scale per matrix
        assertTrue(report.linearRatio() > 7.5 && report.linearRatio() < 8.0, "ratio " + report.linearRatio());

        JsonNode config = new ObjectMapper().readTree(output.resolve("config.json").toFile());
        assertEquals("bitnet", config.path("quantization_config").path("quant_method").asText());
        assertEquals("autobitlinear", config.path("quantization_config").path("linear_class").asText());
        assertEquals("offline", config.path("quantization_config").path("quantization_mode").asText());
        assertEquals(TINY.hiddenSize(), config.path("hidden_size").asInt(), "other fields pass through");
        assertTrue(Files.exists(output.resolve("tokenizer.json")));
        assertTrue(Files.exists(output.resolve("generation_config.json")));
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of("model", "out"), siblings.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no staging directory left behind");
        }
    }

    @Test
    void convertsAShardedCheckpointAndCanShardTheOutput() throws Exception {
        Path input = writeModel(TINY, 40_000);
        assertTrue(Files.exists(input.resolve(Checkpoint.INDEX_FILE)));
        Path output = tmp.resolve("out");
        Converter.convert(input, output, ConvertOptions.defaults().withMaxShardBytes(20_000).withThreads(2),
                ConvertListener.SILENT);
        assertTrue(Files.exists(output.resolve(Checkpoint.INDEX_FILE)));
        assertConvertedExactly(input, output);
    }

    @Test
    void acceptsASingleSafetensorsFileWithConfigBesideIt() throws Exception {
        Path input = writeModel(TINY, 0);
        ConvertReport report = Converter.convert(input.resolve("model.safetensors"),
                Converter.defaultOutput(input.resolve("model.safetensors")), ConvertOptions.defaults(),
                ConvertListener.SILENT);
        assertEquals(input.resolve("model-ternary").toAbsolutePath(), report.output());
        assertConvertedExactly(input, report.output());
    }

    @Test
    void keepsQwen2BiasesAndBitNetSubNormsDense() throws Exception {
        for (Architecture a : List.of(Architecture.QWEN2, Architecture.BITNET, Architecture.MISTRAL)) {
            Path input = tmp.resolve(a.name());
            SyntheticCheckpoint.write(input, TINY.withArchitecture(a), DType.BF16, 1, 0);
            Path output = tmp.resolve(a.name() + "-out");
            Converter.convert(input, output, ConvertOptions.defaults(), ConvertListener.SILENT);
            try (Checkpoint out = Checkpoint.openDirectory(output)) {
                assertEquals(DType.U8, out.tensor("model.layers.0.self_attn.q_proj.weight").dtype());
                if (a == Architecture.QWEN2) {
                    assertEquals(DType.BF16, out.tensor("model.layers.0.self_attn.q_proj.bias").dtype());
                }
                if (a == Architecture.BITNET) {
                    assertEquals(DType.BF16, out.tensor("model.layers.1.self_attn.attn_sub_norm.weight").dtype());
                    assertEquals(DType.BF16, out.tensor("model.layers.1.mlp.ffn_sub_norm.weight").dtype());
                }
            }
        }
    }

    @Test
    void canWriteDenseTensorsAsF32() throws Exception {
        Path input = writeModel(TINY, 0);
        Path output = tmp.resolve("out");
        Converter.convert(input, output, ConvertOptions.defaults().withDenseDtype(Optional.of(DType.F32)),
                ConvertListener.SILENT);
        try (Checkpoint in = Checkpoint.openDirectory(input); Checkpoint out = Checkpoint.openDirectory(output);
                Arena arena = Arena.ofConfined()) {
            float[] expected = readBf16(in, "model.embed_tokens.weight");
            float[] actual = out.map("model.embed_tokens.weight", arena)
                    .toArray(ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN));
            assertArrayEquals(expected, actual);
        }
        assertEquals("float32", new ObjectMapper().readTree(output.resolve("config.json").toFile())
                .path("torch_dtype").asText());
    }

    private String failure(Path input, Path output, ConvertOptions options) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Converter.convert(input, output, options, ConvertListener.SILENT));
        assertEquals(1, e.getMessage().lines().count());
        return e.getMessage();
    }

    private void assertNoOutput(Path output) throws IOException {
        assertFalse(Files.exists(output), "no output written");
        try (Stream<Path> siblings = Files.list(output.getParent())) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().contains(".partial-")),
                    "no staging directory left behind");
        }
    }

    @Test
    void missingInputIsAClearError() throws IOException {
        Path output = tmp.resolve("out");
        assertEquals(tmp.resolve("absent") + ": no such file or directory",
                failure(tmp.resolve("absent"), output, ConvertOptions.defaults()));
        assertNoOutput(output);
    }

    @Test
    void missingConfigIsAClearError() throws IOException {
        Path input = writeModel(TINY, 0);
        Files.delete(input.resolve("config.json"));
        Path output = tmp.resolve("out");
        String msg = failure(input.resolve("model.safetensors"), output, ConvertOptions.defaults());
        assertTrue(msg.contains("no config.json"), msg);
        assertNoOutput(output);
    }

    @Test
    void unsupportedArchitectureIsAClearError() throws IOException {
        Path input = writeModel(TINY, 0);
        Files.writeString(input.resolve("config.json"), "{\"architectures\": [\"GPT2LMHeadModel\"]}");
        Path output = tmp.resolve("out");
        assertEquals(input.resolve("config.json") + ": unsupported architecture 'GPT2LMHeadModel' (supported: "
                + "LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, BitNetForCausalLM)",
                failure(input, output, ConvertOptions.defaults()));
        assertNoOutput(output);
    }

    @Test
    void corruptWeightsGiveAClearErrorAndNoOutput() throws IOException {
        Path input = writeModel(TINY, 0);
        Path weights = input.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        Path output = tmp.resolve("out");
        String msg = failure(input, output, ConvertOptions.defaults());
        assertTrue(msg.contains("the file is truncated"), msg);
        assertNoOutput(output);
    }

    @Test
    void existingOutputIsRefusedWithoutForce() throws Exception {
        Path input = writeModel(TINY, 0);
        Path output = Files.createDirectory(tmp.resolve("out"));
        Files.writeString(output.resolve("keep.txt"), "mine");
        assertEquals(output + ": already exists; choose another output or pass --force",
                failure(input, output, ConvertOptions.defaults()));
        assertEquals("mine", Files.readString(output.resolve("keep.txt")));

        Converter.convert(input, output, ConvertOptions.defaults().withForce(true), ConvertListener.SILENT);
        assertFalse(Files.exists(output.resolve("keep.txt")));
        assertConvertedExactly(input, output);
    }

    @Test
    void alreadyQuantizedInputIsRefused() throws Exception {
        Path input = writeModel(TINY, 0);
        Path once = tmp.resolve("once");
        Converter.convert(input, once, ConvertOptions.defaults(), ConvertListener.SILENT);
        String msg = failure(once, tmp.resolve("twice"), ConvertOptions.defaults());
        assertTrue(msg.contains("already has a quantization_config"), msg);
    }

    @Test
    void outputInsideTheInputIsRefused() throws IOException {
        Path input = writeModel(TINY, 0);
        String msg = failure(input, input, ConvertOptions.defaults().withForce(true));
        assertTrue(msg.contains("overlaps the input model"), msg);
        assertTrue(Files.exists(input.resolve("model.safetensors")));
    }
}

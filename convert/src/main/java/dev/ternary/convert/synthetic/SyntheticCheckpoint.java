package dev.ternary.convert.synthetic;

import dev.ternary.convert.model.Architecture;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.safetensors.CheckpointWriter;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.FloatCodec;
import dev.ternary.convert.safetensors.TensorSpec;
import dev.ternary.convert.tokenizer.ByteLevelTokenizerJson;
import dev.ternary.convert.tokenizer.TextTokenizer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a random-weight Hugging Face checkpoint (config.json + safetensors) of a given {@link ModelShape}:
 * the stand-in for real models, which cannot be downloaded here. Projections and embeddings are uniform in
 * ±0.04 (std ≈ 0.023, like an initialised Llama); norms are 1. Weights are generated and written row by row, so
 * a multi-gigabyte checkpoint needs only megabytes of memory. The same seed gives the same bytes.
 */
public final class SyntheticCheckpoint {
    private static final float HALF_RANGE = 0.04f;
    private static final int CHUNK_ELEMENTS = 1 << 16;
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private SyntheticCheckpoint() {}

    /** The tensors of a model of this shape, in Hugging Face's naming and order. */
    public static List<TensorSpec> tensorSpecs(ModelShape s, DType dtype) {
        List<TensorSpec> specs = new ArrayList<>();
        long h = s.hiddenSize();
        long q = (long) s.heads() * s.headDim();
        long kv = (long) s.kvHeads() * s.headDim();
        long f = s.intermediateSize();
        specs.add(new TensorSpec("model.embed_tokens.weight", dtype, new long[] {s.vocabSize(), h}));
        for (int i = 0; i < s.layers(); i++) {
            String p = "model.layers." + i + ".";
            specs.add(new TensorSpec(p + "input_layernorm.weight", dtype, new long[] {h}));
            specs.add(new TensorSpec(p + "self_attn.q_proj.weight", dtype, new long[] {q, h}));
            specs.add(new TensorSpec(p + "self_attn.k_proj.weight", dtype, new long[] {kv, h}));
            specs.add(new TensorSpec(p + "self_attn.v_proj.weight", dtype, new long[] {kv, h}));
            if (s.architecture() == Architecture.QWEN2) {
                specs.add(new TensorSpec(p + "self_attn.q_proj.bias", dtype, new long[] {q}));
                specs.add(new TensorSpec(p + "self_attn.k_proj.bias", dtype, new long[] {kv}));
                specs.add(new TensorSpec(p + "self_attn.v_proj.bias", dtype, new long[] {kv}));
            }
            if (s.architecture() == Architecture.BITNET) {
                specs.add(new TensorSpec(p + "self_attn.attn_sub_norm.weight", dtype, new long[] {h}));
            }
            specs.add(new TensorSpec(p + "self_attn.o_proj.weight", dtype, new long[] {h, q}));
            specs.add(new TensorSpec(p + "post_attention_layernorm.weight", dtype, new long[] {h}));
            specs.add(new TensorSpec(p + "mlp.gate_proj.weight", dtype, new long[] {f, h}));
            specs.add(new TensorSpec(p + "mlp.up_proj.weight", dtype, new long[] {f, h}));
            if (s.architecture() == Architecture.BITNET) {
                specs.add(new TensorSpec(p + "mlp.ffn_sub_norm.weight", dtype, new long[] {f}));
            }
            specs.add(new TensorSpec(p + "mlp.down_proj.weight", dtype, new long[] {h, f}));
        }
        specs.add(new TensorSpec("model.norm.weight", dtype, new long[] {h}));
        if (!s.tiedEmbeddings()) {
            specs.add(new TensorSpec("lm_head.weight", dtype, new long[] {s.vocabSize(), h}));
        }
        return specs;
    }

    /**
     * Writes config.json, a byte-level tokenizer.json (token id = byte value, so any text can be fed to the model)
     * and the weights into {@code dir} (created if needed; must not hold a checkpoint).
     */
    public static void write(Path dir, ModelShape shape, DType dtype, long seed, long maxShardBytes)
            throws IOException {
        Files.createDirectories(dir);
        HfConfig.of(shape.toConfigJson(dtype.torchName())).write(dir.resolve(HfConfig.FILE_NAME));
        ByteLevelTokenizerJson.write(dir.resolve(TextTokenizer.FILE_NAME), List.of());
        List<TensorSpec> specs = tensorSpecs(shape, dtype);
        CheckpointWriter writer = CheckpointWriter.create(dir, specs, Map.of("format", "pt"), maxShardBytes);
        try {
            byte[] encoded = new byte[CHUNK_ELEMENTS * dtype.byteSize()];
            for (TensorSpec spec : specs) {
                long elements = spec.byteSize() / dtype.byteSize();
                for (long done = 0; done < elements; done += CHUNK_ELEMENTS) {
                    int n = (int) Math.min(CHUNK_ELEMENTS, elements - done);
                    fill(spec, seed, done, n, MemorySegment.ofArray(encoded));
                    writer.write(spec.name(), done * dtype.byteSize(), ByteBuffer.wrap(encoded, 0, n * dtype.byteSize()));
                }
            }
            writer.close();
        } catch (IOException | RuntimeException e) {
            writer.abandon();
            throw e;
        }
    }

    /**
     * Encodes elements {@code first .. first+count-1} of a float tensor's deterministic random content into
     * {@code dst} from byte 0: norms are 1, everything else uniform in ±0.04. Element values depend only on the
     * seed, the tensor name and the element index, so any chunking gives the same bytes.
     */
    public static void fill(TensorSpec spec, long seed, long first, int count, MemorySegment dst) {
        float[] values = new float[count];
        if (spec.name().endsWith("norm.weight")) {
            java.util.Arrays.fill(values, 1.0f);
        } else {
            long base = mix(seed ^ spec.name().hashCode());
            for (int i = 0; i < count; i++) {
                long z = mix(base + GOLDEN_GAMMA * (first + i + 1));
                values[i] = ((z >>> 40) / (float) (1 << 24) * 2 - 1) * HALF_RANGE;
            }
        }
        FloatCodec.encode(values, count, spec.dtype(), dst, 0);
    }

    /** 64 deterministic random bits for element {@code index} of a named tensor. */
    public static long randomBits(long seed, String name, long index) {
        return mix(mix(seed ^ name.hashCode()) + GOLDEN_GAMMA * (index + 1));
    }

    /** SplitMix64's finaliser: applied to a counter stepping by the golden gamma it gives a fast, good stream. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

package dev.ternary.infer.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.quant.TernaryPacker;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.FloatCodec;
import dev.ternary.convert.safetensors.TensorInfo;
import dev.ternary.infer.linear.DenseLinear;
import dev.ternary.infer.linear.Embedding;
import dev.ternary.infer.linear.FloatEmbedding;
import dev.ternary.infer.linear.Linear;
import dev.ternary.infer.linear.TernaryLinear;
import dev.ternary.kernels.dense.DenseFormat;
import dev.ternary.kernels.dense.DenseMatrix;
import dev.ternary.kernels.format.HfBitNetLayout;
import dev.ternary.kernels.format.TernaryFormat;
import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.ternary.TernaryMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Builds {@link ModelWeights} from a {@link WeightSource}: packed BitNet projections are repacked into the
 * kernel layout, full-precision ones become dense kernels (or ternary, when asked to quantize at load), norms
 * become float arrays. The embedding table stays in the source's memory (mapped file), held by {@code arena}.
 */
final class WeightsLoader {
    private final ModelConfig config;
    private final WeightSource source;
    private final LoadOptions options;
    private final KernelThreads threads;
    private final Arena arena;
    private final boolean reciprocalScale;
    private final TernaryFormat ternaryFormat;

    /**
     * @param quantization config.json's quantization_config, if any ({@code linear_class: "bitlinear"} stores
     *                     the reciprocal of the scale, {@code autobitlinear} the scale itself)
     */
    WeightsLoader(ModelConfig config, WeightSource source, Optional<JsonNode> quantization, LoadOptions options,
            KernelThreads threads, Arena arena) {
        this.config = config;
        this.source = source;
        this.options = options;
        this.threads = threads;
        this.arena = arena;
        this.reciprocalScale = quantization.map(q -> "bitlinear".equals(q.path("linear_class").asText()))
                .orElse(false);
        this.ternaryFormat = TernaryFormats.byName(options.ternaryFormat());
        quantization.ifPresent(q -> {
            if (!"bitnet".equals(q.path("quant_method").asText())) {
                throw new InvalidInputException("config.json: quantization_config.quant_method '"
                        + q.path("quant_method").asText() + "' is not supported (bitnet is)");
            }
        });
    }

    ModelWeights load() {
        int dim = config.hiddenSize();
        TensorInfo embeddingInfo = expect("model.embed_tokens.weight", config.vocabSize(), dim);
        Embedding embedding = new FloatEmbedding(source.data(embeddingInfo.name(), arena), embeddingInfo.dtype(),
                config.vocabSize(), dim);
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < config.layers(); l++) {
            layers.add(layer("model.layers." + l + "."));
        }
        float[] finalNorm = vector("model.norm.weight", dim);
        String headName = config.tiedEmbeddings() || !source.contains("lm_head.weight")
                ? "model.embed_tokens.weight" : "lm_head.weight";
        boolean ternary = layers.getFirst().q() instanceof TernaryLinear;
        boolean q8 = options.lmHead().equals("q8") || (options.lmHead().equals("auto") && ternary);
        Linear lmHead = denseLinear(headName, config.vocabSize(), dim, q8 ? DenseFormat.Q8 : null);
        return new ModelWeights(embedding, layers, finalNorm, lmHead);
    }

    private LayerWeights layer(String p) {
        int dim = config.hiddenSize();
        int q = config.qDim();
        int kv = config.kvDim();
        int ffn = config.intermediateSize();
        boolean bias = config.qkvBias();
        return new LayerWeights(
                vector(p + "input_layernorm.weight", dim),
                projection(p + "self_attn.q_proj", q, dim),
                projection(p + "self_attn.k_proj", kv, dim),
                projection(p + "self_attn.v_proj", kv, dim),
                bias ? vector(p + "self_attn.q_proj.bias", q) : null,
                bias ? vector(p + "self_attn.k_proj.bias", kv) : null,
                bias ? vector(p + "self_attn.v_proj.bias", kv) : null,
                config.subNorms() ? vector(p + "self_attn.attn_sub_norm.weight", q) : null,
                projection(p + "self_attn.o_proj", dim, q),
                vector(p + "post_attention_layernorm.weight", dim),
                projection(p + "mlp.gate_proj", ffn, dim),
                projection(p + "mlp.up_proj", ffn, dim),
                config.subNorms() ? vector(p + "mlp.ffn_sub_norm.weight", ffn) : null,
                projection(p + "mlp.down_proj", dim, ffn));
    }

    /** A projection {@code prefix.weight} of logical shape {@code [rows, cols]}. */
    private Linear projection(String prefix, int rows, int cols) {
        String name = prefix + ".weight";
        TensorInfo info = require(name);
        if (info.dtype() == DType.U8) {
            return options.weights() == LoadOptions.WeightMode.DENSE
                    ? dequantized(name, info, rows, cols)
                    : packedTernary(name, info, rows, cols);
        }
        expect(name, rows, cols);
        if (options.weights() == LoadOptions.WeightMode.TERNARY) {
            return ternarizeAtLoad(name, info, rows, cols);
        }
        return denseLinear(name, rows, cols, null);
    }

    private Linear packedTernary(String name, TensorInfo info, int rows, int cols) {
        float scale = packedScale(name, info, rows, cols);
        // shared, not confined: the pool's threads read the tensor
        try (Arena temp = Arena.ofShared()) {
            TernaryMatrix m = TernaryMatrix.fromHfPacked(source.data(name, temp), rows, cols, scale, ternaryFormat,
                    threads);
            return new TernaryLinear(m, threads, options.maxBlock());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("tensor '" + name + "': " + e.getMessage());
        }
    }

    /** The same weights {@code s * T} as a bf16 matrix: what a 16-bit runtime would stream. */
    private Linear dequantized(String name, TensorInfo info, int rows, int cols) {
        float scale = packedScale(name, info, rows, cols);
        byte[] trits;
        try (Arena temp = Arena.ofConfined()) {
            trits = HfBitNetLayout.unpack(source.data(name, temp).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    rows, cols);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("tensor '" + name + "': " + e.getMessage());
        }
        DenseMatrix m = DenseMatrix.allocate(DenseFormat.BF16, rows, cols);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                row[c] = trits[r * cols + c] * scale;
            }
            m.setRow(r, row, 0);
        }
        return new DenseLinear(m, threads);
    }

    /** Checks a packed tensor's shape and returns its multiplier scale. */
    private float packedScale(String name, TensorInfo info, int rows, int cols) {
        long[] s = info.shape();
        if (s.length != 2 || s[0] * 4 != rows || s[1] != cols) {
            throw new InvalidInputException("tensor '" + name + "' is U8 " + Arrays.toString(s) + " but a packed ["
                    + rows + ", " + cols + "] ternary matrix needs [" + rows / 4 + ", " + cols + "]");
        }
        String scaleName = name + "_scale";
        if (!source.contains(scaleName)) {
            throw new InvalidInputException("packed ternary '" + name + "' has no '" + scaleName
                    + "': is this a BitNet checkpoint?");
        }
        float stored = vector(scaleName, 1)[0];
        return reciprocalScale ? 1f / stored : stored;
    }

    private Linear ternarizeAtLoad(String name, TensorInfo info, int rows, int cols) {
        try (Arena temp = Arena.ofShared()) { // the pool's threads read the packed tensor
            MemorySegment packed = temp.allocate((long) rows / 4 * cols);
            float scale = TernaryPacker.pack(source.data(name, temp), info.dtype(), rows, cols,
                    (offset, bytes) -> MemorySegment.copy(MemorySegment.ofBuffer(bytes), 0, packed, offset,
                            bytes.remaining()));
            TernaryMatrix m = TernaryMatrix.fromHfPacked(packed, rows, cols, scale, ternaryFormat, threads);
            return new TernaryLinear(m, threads, options.maxBlock());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A dense linear in its stored precision (bf16 stays bf16, f16/f32 become f32), or in {@code forced}.
     */
    private Linear denseLinear(String name, int rows, int cols, DenseFormat forced) {
        TensorInfo info = expect(name, rows, cols);
        try (Arena temp = Arena.ofShared()) { // the pool's threads read the tensor
            MemorySegment data = source.data(name, temp);
            DenseFormat format = forced != null ? forced : info.dtype() == DType.BF16 ? DenseFormat.BF16 : DenseFormat.F32;
            DenseMatrix m;
            if (format == DenseFormat.BF16 && info.dtype() == DType.BF16) {
                m = DenseMatrix.fromBf16(data, rows, cols);
            } else {
                // rows converted in parallel: an int8 lm_head of 128256 x 2048 took ~1.5 s on one thread
                DenseMatrix target = DenseMatrix.allocate(format, rows, cols);
                threads.run(rows, (from, to, worker) -> {
                    float[] row = new float[cols];
                    short[] scratch = new short[cols];
                    for (int r = from; r < to; r++) {
                        FloatCodec.decode(data, info.dtype(), (long) r * cols, cols, row, scratch);
                        target.setRow(r, row, 0);
                    }
                });
                m = target;
            }
            return new DenseLinear(m, threads);
        }
    }

    private float[] vector(String name, int length) {
        TensorInfo info = require(name);
        if (info.elementCount() != length || !info.dtype().isFloatingPoint()) {
            throw new InvalidInputException("tensor '" + name + "' is " + info.dtype() + Arrays.toString(info.shape())
                    + ", expected " + length + " floating-point values");
        }
        float[] out = new float[length];
        try (Arena temp = Arena.ofConfined()) {
            FloatCodec.decode(source.data(name, temp), info.dtype(), 0, length, out, new short[length]);
        }
        return out;
    }

    private TensorInfo require(String name) {
        if (!source.contains(name)) {
            throw new InvalidInputException("the checkpoint has no tensor '" + name
                    + "': the model directory is incomplete or not a " + config.architecture().hfName());
        }
        return source.info(name);
    }

    private TensorInfo expect(String name, int rows, int cols) {
        TensorInfo info = require(name);
        long[] s = info.shape();
        if (s.length != 2 || s[0] != rows || s[1] != cols || !info.dtype().isFloatingPoint()) {
            throw new InvalidInputException("tensor '" + name + "' is " + info.dtype() + Arrays.toString(s)
                    + ", expected a float [" + rows + ", " + cols + "] matrix as config.json implies");
        }
        return info;
    }
}

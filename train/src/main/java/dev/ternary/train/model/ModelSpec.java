package dev.ternary.train.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.model.Architecture;
import dev.ternary.convert.model.HfConfig;
import java.util.Locale;
import java.util.Optional;

/**
 * The hyper-parameters of a Llama-family decoder, read from a Hugging Face {@code config.json}: everything the DJL
 * model needs to lay out its parameters and run a forward pass.
 *
 * @param ropeScaling Llama 3.1-style frequency scaling, if the config has one
 * @param subNorms    BitNet's extra RMSNorms before o_proj ({@code attn_sub_norm}) and down_proj ({@code ffn_sub_norm})
 * @param qkvBias     Qwen2's biases on q/k/v
 */
public record ModelSpec(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int intermediateSize,
        double rmsNormEps,
        double ropeTheta,
        Optional<RopeScaling> ropeScaling,
        boolean tiedEmbeddings,
        Activation activation,
        boolean subNorms,
        boolean qkvBias) {

    public ModelSpec {
        if (heads % kvHeads != 0) {
            throw new InvalidInputException("num_attention_heads (" + heads + ") must be a multiple of "
                    + "num_key_value_heads (" + kvHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new InvalidInputException("head_dim must be even for rotary embeddings, got " + headDim);
        }
    }

    /** The gated MLP's activation: SiLU (Llama, Mistral, Qwen2) or ReLU² (BitNet b1.58). */
    public enum Activation {
        SILU, RELU2;

        static Activation fromHfName(String name, HfConfig config) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "silu", "swish" -> SILU;
                case "relu2" -> RELU2;
                default -> throw InvalidInputException.inFile(config.source(),
                        "hidden_act '" + name + "' is not supported for training (supported: silu, relu2)");
            };
        }
    }

    /**
     * Llama 3.1's rope scaling ({@code rope_type: "llama3"}): long wavelengths are divided by {@code factor}, short
     * ones kept, and the band between interpolated (transformers' {@code _compute_llama3_parameters}).
     */
    public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {}

    public static ModelSpec fromConfig(HfConfig config) {
        Architecture arch = config.architecture();
        Activation act = Activation.fromHfName(
                config.hiddenAct().orElse(arch == Architecture.BITNET ? "relu2" : "silu"), config);
        return new ModelSpec(arch, config.vocabSize(), config.hiddenSize(), config.numLayers(), config.numHeads(),
                config.numKvHeads(), config.headDim(), config.intermediateSize(), config.rmsNormEps(),
                config.ropeTheta(), ropeScaling(config), config.tieWordEmbeddings(), act,
                arch == Architecture.BITNET, arch == Architecture.QWEN2);
    }

    private static Optional<RopeScaling> ropeScaling(HfConfig config) {
        Optional<JsonNode> node = config.ropeScaling();
        if (node.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n = node.get();
        String type = n.has("rope_type") ? n.get("rope_type").asText() : n.path("type").asText("");
        if (type.equals("default")) {
            return Optional.empty();
        }
        if (!type.equals("llama3")) {
            throw InvalidInputException.inFile(config.source(), "rope_scaling type '" + type
                    + "' is not supported for training (supported: llama3)");
        }
        return Optional.of(new RopeScaling(n.path("factor").asDouble(8.0), n.path("low_freq_factor").asDouble(1.0),
                n.path("high_freq_factor").asDouble(4.0), n.path("original_max_position_embeddings").asInt(8192)));
    }

    public int queryDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Number of parameters (tied embeddings counted once). */
    public long parameterCount() {
        long h = hiddenSize;
        long perLayer = 2 * h + h * queryDim() + 2 * h * kvDim() + (long) queryDim() * h
                + 3 * h * intermediateSize;
        if (subNorms) {
            perLayer += h + intermediateSize;
        }
        if (qkvBias) {
            perLayer += queryDim() + 2L * kvDim();
        }
        long embed = (long) vocabSize * h;
        return embed + (tiedEmbeddings ? 0 : embed) + layers * perLayer + h;
    }
}

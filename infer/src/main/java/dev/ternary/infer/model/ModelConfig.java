package dev.ternary.infer.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.model.Architecture;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.model.MlpActivation;
import dev.ternary.convert.model.RopeScaling;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything the forward pass needs from config.json, resolved once into plain values (llama2.c style).
 *
 * @param activation      the gated MLP's activation: SiLU (Llama SwiGLU) or ReLU² (BitNet b1.58 2B4T)
 * @param subNorms        BitNet's extra RMSNorms before o_proj and down_proj
 * @param qkvBias         Qwen2's biases on q/k/v
 * @param ropeScaling     Llama 3 long-context frequency scaling, if configured
 * @param eosTokenIds     every id that ends generation (config and generation_config lists merged)
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int intermediateSize,
        int maxPositions,
        float rmsNormEps,
        double ropeTheta,
        Optional<RopeScaling> ropeScaling,
        MlpActivation activation,
        boolean subNorms,
        boolean qkvBias,
        boolean tiedEmbeddings,
        int bosTokenId,
        List<Integer> eosTokenIds) {

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Reads the fields from a parsed config.json; {@code generationConfig} may add eos ids. */
    public static ModelConfig from(HfConfig c, Optional<JsonNode> generationConfig) {
        Architecture arch = c.architecture();
        JsonNode json = c.json();
        if (c.numHeads() % c.numKvHeads() != 0) {
            throw InvalidInputException.inFile(c.source(), "num_attention_heads must be a multiple of "
                    + "num_key_value_heads");
        }
        List<Integer> eos = new ArrayList<>();
        addIds(json.get("eos_token_id"), eos);
        generationConfig.ifPresent(g -> addIds(g.get("eos_token_id"), eos));
        int bos = json.path("bos_token_id").isIntegralNumber() ? json.get("bos_token_id").asInt() : -1;
        return new ModelConfig(arch, c.vocabSize(), c.hiddenSize(), c.numLayers(), c.numHeads(), c.numKvHeads(),
                c.headDim(), c.intermediateSize(), c.maxPositionEmbeddings(), (float) c.rmsNormEps(), c.ropeTheta(),
                RopeScaling.of(c), MlpActivation.of(c), arch == Architecture.BITNET, arch == Architecture.QWEN2, c.tieWordEmbeddings(),
                bos, eos.stream().distinct().toList());
    }

    private static void addIds(JsonNode node, List<Integer> out) {
        if (node == null) {
            return;
        }
        if (node.isIntegralNumber()) {
            out.add(node.asInt());
        } else if (node.isArray()) {
            node.forEach(n -> out.add(n.asInt()));
        }
    }
}

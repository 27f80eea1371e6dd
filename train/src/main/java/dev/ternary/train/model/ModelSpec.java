package dev.ternary.train.model;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.model.Architecture;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.model.MlpActivation;
import dev.ternary.convert.model.RopeScaling;
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
        MlpActivation activation,
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

    public static ModelSpec fromConfig(HfConfig config) {
        Architecture arch = config.architecture();
        return new ModelSpec(arch, config.vocabSize(), config.hiddenSize(), config.numLayers(), config.numHeads(),
                config.numKvHeads(), config.headDim(), config.intermediateSize(), config.rmsNormEps(),
                config.ropeTheta(), RopeScaling.of(config), config.tieWordEmbeddings(), MlpActivation.of(config),
                arch == Architecture.BITNET, arch == Architecture.QWEN2);
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

package dev.ternary.convert.synthetic;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.model.Architecture;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The hyper-parameters that fix every tensor shape of a Llama-family model, with presets at the shapes of real
 * models so that tests and benchmarks exercise realistic sizes without downloading weights.
 */
public record ModelShape(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int layers,
        int heads,
        int kvHeads,
        int intermediateSize,
        boolean tiedEmbeddings,
        int maxPositions,
        double ropeTheta) {

    /** Named presets: {@code tiny} (tests), {@code llama-1b} (Llama-3.2-1B), {@code bitnet-2b} (BitNet b1.58 2B4T). */
    public enum Preset {
        TINY("tiny", new ModelShape(Architecture.LLAMA, 256, 64, 2, 4, 2, 128, false, 256, 10000.0)),
        LLAMA_1B("llama-1b", new ModelShape(Architecture.LLAMA, 128256, 2048, 16, 32, 8, 8192, true, 131072, 500000.0)),
        BITNET_2B("bitnet-2b", new ModelShape(Architecture.BITNET, 128256, 2560, 30, 20, 5, 6912, true, 4096, 500000.0));

        private final String cliName;
        private final ModelShape shape;

        Preset(String cliName, ModelShape shape) {
            this.cliName = cliName;
            this.shape = shape;
        }

        public String cliName() {
            return cliName;
        }

        public ModelShape shape() {
            return shape;
        }

        public static Preset fromCliName(String name) {
            return Arrays.stream(values()).filter(p -> p.cliName.equals(name)).findFirst().orElseThrow(() ->
                    new InvalidInputException("unknown model shape '" + name + "' (choose one of "
                            + Arrays.stream(values()).map(Preset::cliName).collect(Collectors.joining(", ")) + ")"));
        }
    }

    public ModelShape {
        if (hiddenSize % heads != 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("hidden size must divide by heads and heads by kv heads");
        }
    }

    public int headDim() {
        return hiddenSize / heads;
    }

    public ModelShape withArchitecture(Architecture a) {
        return new ModelShape(a, vocabSize, hiddenSize, layers, heads, kvHeads, intermediateSize, tiedEmbeddings,
                maxPositions, ropeTheta);
    }

    /** A config.json for this shape, as Hugging Face writes it for the architecture. */
    public ObjectNode toConfigJson(String torchDtype) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.putArray("architectures").add(architecture.hfName());
        c.put("model_type", switch (architecture) {
            case LLAMA -> "llama";
            case MISTRAL -> "mistral";
            case QWEN2 -> "qwen2";
            case BITNET -> "bitnet";
        });
        c.put("vocab_size", vocabSize);
        c.put("hidden_size", hiddenSize);
        c.put("intermediate_size", intermediateSize);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", kvHeads);
        c.put("head_dim", headDim());
        c.put("hidden_act", architecture == Architecture.BITNET ? "relu2" : "silu");
        c.put("max_position_embeddings", maxPositions);
        c.put("rms_norm_eps", 1e-5);
        c.put("rope_theta", ropeTheta);
        c.put("tie_word_embeddings", tiedEmbeddings);
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        c.put("torch_dtype", torchDtype);
        return c;
    }
}

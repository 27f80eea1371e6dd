package dev.ternary.convert.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The decoder-only architectures this toolkit converts, by their Hugging Face {@code architectures} name. They
 * share the Llama tensor naming, so the same projections become ternary in each; what differs (Qwen2's q/k/v
 * biases, BitNet's sub-norms and ReLU²) stays dense and is handled by the runtime.
 */
public enum Architecture {
    LLAMA("LlamaForCausalLM"),
    MISTRAL("MistralForCausalLM"),
    QWEN2("Qwen2ForCausalLM"),
    BITNET("BitNetForCausalLM");

    /** The seven projections of a decoder layer, the linears BitNet b1.58 makes ternary. */
    private static final Pattern PROJECTION_WEIGHT = Pattern.compile(
            "model\\.layers\\.\\d+\\.(self_attn\\.[qkvo]_proj|mlp\\.(gate|up|down)_proj)\\.weight");

    private final String hfName;

    Architecture(String hfName) {
        this.hfName = hfName;
    }

    public String hfName() {
        return hfName;
    }

    public static Optional<Architecture> fromHfName(String name) {
        return Arrays.stream(values()).filter(a -> a.hfName.equals(name)).findFirst();
    }

    public static String supportedNames() {
        return Arrays.stream(values()).map(Architecture::hfName).collect(Collectors.joining(", "));
    }

    /** Whether a tensor is a projection weight that conversion makes ternary (biases and norms are not). */
    public boolean isProjectionWeight(String tensorName) {
        return PROJECTION_WEIGHT.matcher(tensorName).matches();
    }
}

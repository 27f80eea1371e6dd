package dev.ternary.convert.model;

import dev.ternary.convert.InvalidInputException;
import java.util.Locale;

/** The gated MLP's activation: SiLU (Llama SwiGLU, Mistral, Qwen2) or ReLU² (BitNet b1.58 2B4T). */
public enum MlpActivation {
    SILU,
    RELU2;

    /** {@code hidden_act} of the config, defaulting by architecture (BitNet: relu2, others: silu). */
    public static MlpActivation of(HfConfig config) {
        String name = config.hiddenAct().orElse(config.architecture() == Architecture.BITNET ? "relu2" : "silu");
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "silu", "swish" -> SILU;
            case "relu2" -> RELU2;
            default -> throw InvalidInputException.inFile(config.source(), "hidden_act '" + name
                    + "' is not supported (silu or relu2)");
        };
    }
}

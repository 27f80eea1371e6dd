package dev.ternary.train;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.tokenizer.ByteLevelTokenizerJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Tiny byte-level Llama configs for tests: config.json + tokenizer.json in a directory. */
public final class TinyModels {
    private TinyModels() {}

    /** Vocabulary: 256 bytes, then {@code <s>} (256) and {@code </s>} (257, the end-of-sequence token). */
    public static Path write(Path dir, int hidden, int layers, int heads, int kvHeads, int intermediate)
            throws IOException {
        Files.createDirectories(dir);
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        c.put("vocab_size", 258);
        c.put("hidden_size", hidden);
        c.put("intermediate_size", intermediate);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", kvHeads);
        c.put("hidden_act", "silu");
        c.put("max_position_embeddings", 1024);
        c.put("rms_norm_eps", 1e-5);
        c.put("rope_theta", 10000.0);
        c.put("tie_word_embeddings", false);
        c.put("bos_token_id", 256);
        c.put("eos_token_id", 257);
        c.put("torch_dtype", "float32");
        HfConfig.of(c).write(dir.resolve(HfConfig.FILE_NAME));
        ByteLevelTokenizerJson.write(dir.resolve("tokenizer.json"), List.of("<s>", "</s>"));
        return dir;
    }
}

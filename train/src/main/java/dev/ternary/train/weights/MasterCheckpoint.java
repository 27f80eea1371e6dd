package dev.ternary.train.weights;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.safetensors.Checkpoint;
import dev.ternary.convert.safetensors.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes tensors as a dense fp32 Hugging Face checkpoint ({@code config.json} + {@code model.safetensors}): the
 * student's full-precision masters, which training continues from, which {@code ternary convert} turns into the
 * deployable ternary model, and which load in transformers as an ordinary model.
 */
public final class MasterCheckpoint {
    private MasterCheckpoint() {}

    /**
     * Writes {@code arrays} into {@code dir} (which must exist and be empty) with {@code config} minus any
     * quantization_config, and copies the tokenizer files of {@code auxiliary}.
     */
    public static void write(Path dir, HfConfig config, Map<String, NDArray> arrays, List<Path> auxiliary)
            throws IOException {
        Float32Tensors.write(dir.resolve(Checkpoint.SINGLE_FILE), arrays);
        ObjectNode json = config.json();
        json.remove("quantization_config");
        json.set("torch_dtype", JsonNodeFactory.instance.textNode(DType.F32.torchName()));
        HfConfig.of(json).write(dir.resolve(HfConfig.FILE_NAME));
        for (Path aux : auxiliary) {
            Files.copy(aux, dir.resolve(aux.getFileName().toString()));
        }
    }
}

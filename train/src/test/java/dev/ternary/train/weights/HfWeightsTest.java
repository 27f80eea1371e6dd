package dev.ternary.train.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.synthetic.ModelShape;
import dev.ternary.convert.synthetic.SyntheticCheckpoint;
import dev.ternary.train.model.ModelSpec;
import dev.ternary.train.model.ParameterStore;
import dev.ternary.train.model.Torch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfWeightsTest {
    @TempDir
    Path tmp;

    @Test
    void bf16WeightsLoadAndFp32MastersRoundTripExactly() throws Exception {
        Path model = tmp.resolve("m");
        SyntheticCheckpoint.write(model, ModelShape.Preset.TINY.shape(), DType.BF16, 9, 0);
        HfConfig config = HfConfig.read(model.resolve("config.json"));
        ModelSpec spec = ModelSpec.fromConfig(config);
        try (NDManager m = Torch.newManager(Device.cpu())) {
            ParameterStore store = HfWeights.load(model, config, spec, m.newSubManager());
            Path masters = Files.createDirectories(tmp.resolve("masters"));
            MasterCheckpoint.write(masters, config, store.arrays(), List.of());
            HfConfig written = HfConfig.read(masters.resolve("config.json"));
            assertTrue(written.quantizationConfig().isEmpty());
            ParameterStore again = HfWeights.load(masters, written, ModelSpec.fromConfig(written), m.newSubManager());
            for (Map.Entry<String, ai.djl.ndarray.NDArray> e : store.arrays().entrySet()) {
                assertArrayEquals(e.getValue().toFloatArray(), again.get(e.getKey()).toFloatArray(), e.getKey());
            }
        }
    }

    @Test
    void aConfigThatDoesNotMatchTheWeightsIsAClearError() throws Exception {
        Path model = tmp.resolve("m");
        SyntheticCheckpoint.write(model, ModelShape.Preset.TINY.shape(), DType.BF16, 9, 0);
        HfConfig config = HfConfig.read(model.resolve("config.json"));
        ObjectNode wider = config.json();
        wider.put("intermediate_size", 256);
        HfConfig bad = HfConfig.of(wider);
        try (NDManager m = Torch.newManager(Device.cpu())) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> HfWeights.load(model, bad, ModelSpec.fromConfig(bad), m.newSubManager()));
            assertTrue(e.getMessage().contains("tensor 'model.layers.0.mlp.gate_proj.weight' has shape [128, 64],"
                    + " config.json implies [256, 64]"), e.getMessage());
            ObjectNode deeper = config.json();
            deeper.put("num_hidden_layers", 3);
            HfConfig bad2 = HfConfig.of(deeper);
            e = assertThrows(InvalidInputException.class,
                    () -> HfWeights.load(model, bad2, ModelSpec.fromConfig(bad2), m.newSubManager()));
            assertTrue(e.getMessage().contains("checkpoint has no tensor 'model.layers.2.input_layernorm.weight'"),
                    e.getMessage());
        }
    }
}

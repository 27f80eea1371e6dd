package dev.ternary.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.train.TinyModelsAccess;
import dev.ternary.train.data.TokenStream;
import dev.ternary.train.data.TrainingData;
import dev.ternary.train.loss.Distillation;
import dev.ternary.train.metrics.StepMetrics;
import dev.ternary.train.model.ModelSpec;
import dev.ternary.train.model.ParameterStore;
import dev.ternary.train.model.Torch;
import dev.ternary.train.model.Transformer;
import dev.ternary.train.weights.WeightInit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No NDArray outlives its step: the number of arrays every manager holds is the same after each step (the
 * per-step NDScope closes activations, gradient handles, teacher logits and optimizer temporaries).
 */
class NoLeakTest {
    @TempDir
    Path tmp;

    @Test
    void managersHoldTheSameArraysAfterEveryStep() throws Exception {
        Path config = TinyModelsAccess.write(tmp.resolve("config"), 32, 1, 2, 1, 64);
        Path data = TinyModelsAccess.text(tmp.resolve("data"));
        HfConfig cfg = HfConfig.read(config.resolve("config.json"));
        ModelSpec spec = ModelSpec.fromConfig(cfg);
        TokenStream.Split split = TrainingData.load(data, config.resolve("tokenizer.json"), cfg, 16, 0.1);
        Torch.threads(1);
        try (NDManager root = Torch.newManager(Device.cpu())) {
            ParameterStore teacherWeights = WeightInit.randomize(spec, 0.02, 1, root.newSubManager());
            ParameterStore studentWeights = WeightInit.randomize(spec, 0.02, 2, root.newSubManager());
            Transformer teacher = Transformer.build(spec, teacherWeights, Transformer.Linears.DENSE);
            Transformer student = Transformer.build(spec, studentWeights, Transformer.Linears.TERNARY);
            List<int[]> counts = new ArrayList<>();
            TrainingListener census = new TrainingListener() {
                @Override
                public void stepDone(StepMetrics m) {
                    counts.add(new int[] {root.getManagedArrays().size(),
                        teacherWeights.manager().getManagedArrays().size(),
                        studentWeights.manager().getManagedArrays().size()});
                }
            };
            LoopOptions options = LoopOptions.builder().steps(30).batch(2).gradAccumulation(2).seqLen(16)
                    .learningRate(1e-3).warmupQuantSteps(10).evalEvery(10).evalSequences(2).checkpointEvery(15)
                    .threads(1).build();
            new TrainingLoop(student, new Distillation(teacher, 2.0, 0.5), split.train(), split.heldOut(), options,
                    tmp.resolve("run"), census, "leak check").run(Optional.empty());
            assertEquals(30, counts.size());
            for (int i = 1; i < counts.size(); i++) {
                assertEquals(List.of(counts.get(0)[0], counts.get(0)[1], counts.get(0)[2]),
                        List.of(counts.get(i)[0], counts.get(i)[1], counts.get(i)[2]),
                        "arrays held after step " + (i + 1) + " vs step 1");
            }
        }
    }
}

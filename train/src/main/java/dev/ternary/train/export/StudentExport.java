package dev.ternary.train.export;

import ai.djl.ndarray.NDArray;
import dev.ternary.convert.ConvertListener;
import dev.ternary.convert.ConvertOptions;
import dev.ternary.convert.Converter;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.output.StagedDirectory;
import dev.ternary.train.weights.MasterCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained model. A ternary student is saved as fp32 masters ({@code masters/}, a dense HF checkpoint to
 * continue training from) and then converted by {@link Converter} — the very code path of {@code ternary convert},
 * so the packed weights are exactly the absmean ternarization the student trained against — into {@code model/}
 * in the Hugging Face BitNet layout. A dense model is written once, as {@code model/} in fp32.
 */
public final class StudentExport {
    public static final String MODEL = "model";
    public static final String MASTERS = "masters";

    private StudentExport() {}

    /** Where the outputs went: the deployable model and the fp32 masters (the same directory for dense). */
    public record Written(Path model, Path masters) {}

    public static Written write(Path runDirectory, HfConfig config, Map<String, NDArray> weights,
            List<Path> auxiliaryFiles, boolean ternary) throws IOException {
        Path model = runDirectory.resolve(MODEL);
        if (!ternary) {
            writeMasters(model, config, weights, auxiliaryFiles);
            return new Written(model, model);
        }
        Path masters = runDirectory.resolve(MASTERS);
        writeMasters(masters, config, weights, auxiliaryFiles);
        Converter.convert(masters, model, ConvertOptions.defaults().withForce(true), ConvertListener.SILENT);
        return new Written(model, masters);
    }

    private static void writeMasters(Path target, HfConfig config, Map<String, NDArray> weights,
            List<Path> auxiliaryFiles) throws IOException {
        try (StagedDirectory staged = StagedDirectory.create(target, true)) {
            MasterCheckpoint.write(staged.path(), config, weights, auxiliaryFiles);
            staged.publish();
        }
    }
}

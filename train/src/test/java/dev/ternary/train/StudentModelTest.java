package dev.ternary.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.ConvertListener;
import dev.ternary.convert.ConvertOptions;
import dev.ternary.convert.Converter;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.synthetic.ModelShape;
import dev.ternary.convert.synthetic.SyntheticCheckpoint;
import dev.ternary.train.model.Transformer;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API the train/infer agreement check builds on: a converted (packed ternary) directory loads with its exact
 * {@code s·T} weights, and its logits equal the λ = 1 fake-quantized logits of the masters it was converted from.
 */
class StudentModelTest {
    @TempDir
    Path tmp;

    @Test
    void convertedModelComputesWhatTheStudentTrainedAgainst() throws Exception {
        for (ModelShape shape : new ModelShape[] {ModelShape.Preset.TINY.shape(),
            ModelShape.Preset.TINY.shape().withArchitecture(dev.ternary.convert.model.Architecture.BITNET)}) {
            Path masters = tmp.resolve("masters-" + shape.architecture());
            SyntheticCheckpoint.write(masters, shape, DType.F32, 4, 0);
            Path converted = tmp.resolve("converted-" + shape.architecture());
            // Dense tensors kept in fp32, so the only difference left is the ternary weights themselves.
            Converter.convert(masters, converted, ConvertOptions.defaults().withDenseDtype(Optional.of(DType.F32)),
                    ConvertListener.SILENT);
            int[] tokens = {1, 200, 7, 7, 64, 3, 255, 0};
            float[][] expected;
            try (StudentModel m = StudentModel.load(masters, Transformer.Linears.TERNARY)) {
                expected = m.logits(tokens);
            }
            try (StudentModel m = StudentModel.load(converted)) {
                assertEquals(shape.vocabSize(), m.spec().vocabSize());
                assertClose(expected, m.logits(tokens), 1e-3, shape.architecture().name());
            }
        }
    }

    @Test
    void bitlinearCheckpointsStoreTheReciprocalScale() throws Exception {
        Path masters = tmp.resolve("masters");
        SyntheticCheckpoint.write(masters, ModelShape.Preset.TINY.shape(), DType.F32, 5, 0);
        Path converted = tmp.resolve("converted");
        Converter.convert(masters, converted, ConvertOptions.defaults().withDenseDtype(Optional.of(DType.F32)),
                ConvertListener.SILENT);
        int[] tokens = {5, 6, 7};
        float[][] autobitlinear;
        try (StudentModel m = StudentModel.load(converted)) {
            autobitlinear = m.logits(tokens);
        }
        // Same weights, but the config claims the "bitlinear" convention: scales are read as 1/s, so the logits
        // change. (Rewriting the scales as 1/s would give back the same logits; the conversion does not offer that.)
        HfConfig config = HfConfig.read(converted.resolve("config.json"));
        ObjectNode q = (ObjectNode) config.quantizationConfig().orElseThrow();
        q.put("linear_class", "bitlinear");
        config.with("quantization_config", q).write(converted.resolve("config.json"));
        try (StudentModel m = StudentModel.load(converted)) {
            float[][] reciprocal = m.logits(tokens);
            double diff = 0;
            for (int i = 0; i < tokens.length; i++) {
                for (int v = 0; v < reciprocal[i].length; v++) {
                    diff = Math.max(diff, Math.abs(reciprocal[i][v] - autobitlinear[i][v]));
                }
            }
            assertTrue(diff > 1e-2, "the scale convention must be honoured");
        }
    }

    static void assertClose(float[][] expected, float[][] actual, double relative, String what) {
        double scale = 0;
        double diff = 0;
        for (int t = 0; t < expected.length; t++) {
            for (int v = 0; v < expected[t].length; v++) {
                scale = Math.max(scale, Math.abs(expected[t][v]));
                diff = Math.max(diff, Math.abs(expected[t][v] - actual[t][v]));
            }
        }
        assertTrue(diff <= relative * scale, what + ": max |diff| " + diff + " vs logit scale " + scale);
    }
}

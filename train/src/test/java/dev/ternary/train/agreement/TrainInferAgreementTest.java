package dev.ternary.train.agreement;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.ConvertListener;
import dev.ternary.convert.ConvertOptions;
import dev.ternary.convert.Converter;
import dev.ternary.convert.model.Architecture;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.synthetic.ModelShape;
import dev.ternary.convert.synthetic.SyntheticCheckpoint;
import dev.ternary.infer.model.LoadOptions;
import dev.ternary.infer.model.Model;
import dev.ternary.infer.runtime.Transformer;
import dev.ternary.train.StudentModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * For the same weights, the DJL training model at λ = 1 and the Java inference runtime give the same logits
 * (within 1e-3 of the logit scale), ternary and dense alike: a distilled model behaves the same when served.
 */
class TrainInferAgreementTest {
    private static final int[] TOKENS = {1, 42, 7, 199, 3, 3, 128, 250, 17, 64};

    @TempDir
    Path tmp;

    private static float[][] runtime(Path dir) {
        try (Model m = Model.load(dir, LoadOptions.defaults().withThreads(1).withLmHead("dense"))) {
            Transformer t = m.newTransformer();
            int vocab = m.config().vocabSize();
            float[] all = t.forward(TOKENS, 0, TOKENS.length, 0, true);
            float[][] out = new float[TOKENS.length][];
            for (int p = 0; p < TOKENS.length; p++) {
                out[p] = Arrays.copyOfRange(all, p * vocab, (p + 1) * vocab);
            }
            return out;
        }
    }

    private static float[][] training(Path dir) {
        try (StudentModel s = StudentModel.load(dir)) {
            return s.logits(TOKENS);
        }
    }

    private static void assertAgree(float[][] expected, float[][] actual, String what) {
        double worst = 0;
        double scale = 0;
        for (int t = 0; t < expected.length; t++) {
            for (int i = 0; i < expected[t].length; i++) {
                worst = Math.max(worst, Math.abs(expected[t][i] - actual[t][i]));
                scale = Math.max(scale, Math.abs(expected[t][i]));
            }
        }
        assertTrue(worst <= 1e-3 * scale, what + ": max |diff| " + worst + " vs max |logit| " + scale);
    }

    @Test
    void denseAndTernaryLogitsAgree() throws Exception {
        for (Architecture arch : new Architecture[] {Architecture.LLAMA, Architecture.BITNET}) {
            Path dense = tmp.resolve(arch.name());
            SyntheticCheckpoint.write(dense, ModelShape.Preset.TINY.shape().withArchitecture(arch), DType.F32, 11, 0);
            assertAgree(runtime(dense), training(dense), arch + " dense");
            Path ternary = tmp.resolve(arch.name() + "-ternary");
            Converter.convert(dense, ternary, ConvertOptions.defaults().withDenseDtype(Optional.of(DType.F32)),
                    ConvertListener.SILENT);
            assertAgree(runtime(ternary), training(ternary), arch + " ternary");
        }
    }
}

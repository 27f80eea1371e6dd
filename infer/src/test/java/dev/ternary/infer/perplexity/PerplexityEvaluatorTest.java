package dev.ternary.infer.perplexity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.safetensors.CheckpointWriter;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.TensorSpec;
import dev.ternary.convert.synthetic.ModelShape;
import dev.ternary.convert.synthetic.SyntheticCheckpoint;
import dev.ternary.infer.model.LoadOptions;
import dev.ternary.infer.model.Model;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerplexityEvaluatorTest {
    private static final ModelShape TINY = ModelShape.Preset.TINY.shape();

    @TempDir
    Path tmp;

    /** A tiny model whose lm_head is zero: every next token has probability 1/vocab, so perplexity = vocab. */
    private Path uniformModel(boolean withBos) throws Exception {
        Path dir = tmp.resolve(withBos ? "bos" : "nobos");
        Files.createDirectories(dir);
        ObjectNode config = TINY.toConfigJson("float32");
        if (!withBos) {
            config.remove("bos_token_id");
        }
        new ObjectMapper().writeValue(dir.resolve("config.json").toFile(), config);
        List<TensorSpec> specs = SyntheticCheckpoint.tensorSpecs(TINY, DType.F32);
        try (CheckpointWriter w = CheckpointWriter.create(dir, specs, Map.of(), 0)) {
            for (TensorSpec s : specs) {
                int n = (int) (s.byteSize() / 4);
                byte[] bytes = new byte[n * 4];
                if (!s.name().equals("lm_head.weight")) {
                    SyntheticCheckpoint.fill(s, 9, 0, n, MemorySegment.ofArray(bytes));
                }
                w.write(s.name(), 0, ByteBuffer.wrap(bytes));
            }
        }
        return dir;
    }

    @Test
    void withBosEveryTokenOfEveryWindowIsScored() throws Exception {
        try (Model m = Model.load(uniformModel(true), LoadOptions.defaults())) {
            int[] tokens = new int[100];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = (i * 37) % 256;
            }
            PerplexityResult r = PerplexityEvaluator.evaluate(m, tokens, 32, n -> {});
            assertEquals(100, r.tokens());
            assertEquals(256.0, r.perplexity(), 1e-6 * 256);
        }
    }

    @Test
    void withoutBosTheFirstTokenOfEachWindowIsOnlyContext() throws Exception {
        try (Model m = Model.load(uniformModel(false), LoadOptions.defaults())) {
            PerplexityResult r = PerplexityEvaluator.evaluate(m, new int[100], 32, n -> {});
            assertEquals(100 - 4, r.tokens()); // windows of 32, 32, 32, 4
            assertEquals(256.0, r.perplexity(), 1e-6 * 256);
        }
    }

    /** The terms are float (summed in double), so a log-probability is within about 1e-6 of the exact one. */
    @Test
    void logProbabilityIsANormalizedLogSoftmax() {
        float[] logits = {0f, 1f, 2f};
        double z = Math.log(Math.exp(0) + Math.exp(1) + Math.exp(2));
        assertEquals(2 - z, PerplexityEvaluator.logProbability(logits, 0, 3, 2), 1e-6);
        // a vocabulary many vectors long, at an offset: exact to 1e-6 against double, and the probabilities sum to 1
        java.util.Random random = new java.util.Random(3);
        int vocab = 1003, offset = 5;
        float[] wide = new float[offset + vocab];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = (float) (random.nextGaussian() * 4);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, wide[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(wide[offset + i] - max);
        }
        double total = 0;
        for (int target : new int[] {0, 17, 500, 1002}) {
            assertEquals(wide[offset + target] - max - Math.log(sum),
                    PerplexityEvaluator.logProbability(wide, offset, vocab, target), 1e-6, "target " + target);
        }
        for (int target = 0; target < vocab; target++) {
            total += Math.exp(PerplexityEvaluator.logProbability(wide, offset, vocab, target));
        }
        assertEquals(1.0, total, 1e-5);
    }
}

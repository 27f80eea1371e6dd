package dev.ternary.infer.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.ConvertListener;
import dev.ternary.convert.ConvertOptions;
import dev.ternary.convert.Converter;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.synthetic.ModelShape;
import dev.ternary.convert.synthetic.SyntheticCheckpoint;
import dev.ternary.convert.tokenizer.ByteLevelTokenizerJson;
import dev.ternary.infer.model.LoadOptions;
import dev.ternary.infer.model.Model;
import dev.ternary.infer.sampling.SamplingOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
    @TempDir
    static Path tmp;

    static Path ternary;

    @BeforeAll
    static void model() throws Exception {
        Path dense = tmp.resolve("dense");
        SyntheticCheckpoint.write(dense, ModelShape.Preset.TINY.shape(), DType.BF16, 5, 0);
        ByteLevelTokenizerJson.write(dense.resolve("tokenizer.json"), List.of());
        ternary = tmp.resolve("ternary");
        Converter.convert(dense, ternary, ConvertOptions.defaults(), ConvertListener.SILENT);
    }

    private static GenerationResult run(Generator g, String prompt, SamplingOptions sampling, StringBuilder streamed) {
        int[] ids = g.model().tokenizer().encode(prompt, false);
        return g.generate(ids, 20, sampling, (id, text) -> streamed.append(text));
    }

    @Test
    void greedyGenerationIsDeterministicAndStreamsItsText() {
        try (Model model = Model.load(ternary, LoadOptions.defaults())) {
            StringBuilder first = new StringBuilder();
            GenerationResult a = run(new Generator(model), "The quick brown fox", SamplingOptions.greedy(), first);
            StringBuilder second = new StringBuilder();
            GenerationResult b = run(new Generator(model), "The quick brown fox", SamplingOptions.greedy(), second);
            assertArrayEquals(a.tokens(), b.tokens());
            assertEquals(20, a.tokens().length);
            assertEquals("length", a.stopReason());
            assertEquals(a.text(), first.toString(), "the streamed pieces add up to the text");
            assertEquals(19, a.promptTokens());
        }
    }

    @Test
    void aFollowUpPromptReusesTheCache() {
        try (Model model = Model.load(ternary, LoadOptions.defaults())) {
            Generator g = new Generator(model);
            GenerationResult first = run(g, "Hello", SamplingOptions.greedy(), new StringBuilder());
            // the next turn: the previous prompt, the reply, and new text (as token ids: random bytes need not be UTF-8)
            int[] more = model.tokenizer().encode(" and more", false);
            int[] ids = java.util.stream.IntStream.concat(java.util.stream.IntStream.concat(
                    java.util.Arrays.stream(model.tokenizer().encode("Hello", false)),
                    java.util.Arrays.stream(first.tokens())), java.util.Arrays.stream(more)).toArray();
            GenerationResult second = g.generate(ids, 5, SamplingOptions.greedy(), TokenListener.NONE);
            // only the new tokens were prefilled: the last generated one plus " and more"
            assertEquals(1 + more.length, second.promptTokens(), "prefilled only the last reply token and the new text");
            GenerationResult fresh = new Generator(model).generate(ids, 5, SamplingOptions.greedy(),
                    TokenListener.NONE);
            assertArrayEquals(fresh.tokens(), second.tokens(), "cache reuse does not change the output");
        }
    }

    @Test
    void stopsAtAnEosTokenFromGenerationConfig() throws Exception {
        int[] greedy;
        int[] prompt;
        try (Model model = Model.load(ternary, LoadOptions.defaults())) {
            prompt = model.tokenizer().encode("abc", false);
            greedy = new Generator(model).generate(prompt, 6, SamplingOptions.greedy(), TokenListener.NONE).tokens();
        }
        // declare the third greedy token an end-of-turn token: generation must stop right before it
        java.nio.file.Files.writeString(ternary.resolve("generation_config.json"),
                "{\"eos_token_id\": [" + greedy[2] + "]}");
        try (Model model = Model.load(ternary, LoadOptions.defaults())) {
            GenerationResult r = new Generator(model).generate(prompt, 6, SamplingOptions.greedy(),
                    TokenListener.NONE);
            assertEquals("eos", r.stopReason());
            int expected = greedy[0] == greedy[2] ? 0 : greedy[1] == greedy[2] ? 1 : 2;
            assertArrayEquals(java.util.Arrays.copyOf(greedy, expected), r.tokens());
        } finally {
            java.nio.file.Files.delete(ternary.resolve("generation_config.json"));
        }
    }

    @Test
    void aPromptLongerThanTheContextIsAClearError() {
        try (Model model = Model.load(ternary, LoadOptions.defaults().withContextLength(16))) {
            int[] prompt = model.tokenizer().encode("x".repeat(40), false);
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> new Generator(model).generate(prompt, 5, SamplingOptions.greedy(), TokenListener.NONE));
            assertEquals("the prompt has 40 tokens but the context holds 16; shorten it or raise --context",
                    e.getMessage());
        }
    }
}

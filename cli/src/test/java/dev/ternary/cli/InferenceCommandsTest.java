package dev.ternary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ternary.convert.tokenizer.ByteLevelTokenizerJson;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceCommandsTest {
    @TempDir
    static Path tmp;

    static Path ternary;

    @BeforeAll
    static void model() throws Exception {
        Path dense = tmp.resolve("tiny");
        assertEquals(0, CliRunner.run("synthesize", "-q", "--shape", "tiny", "-o", dense.toString()).exitCode());
        ByteLevelTokenizerJson.write(dense.resolve("tokenizer.json"), List.of("<s>", "</s>"));
        ternary = tmp.resolve("tiny-ternary");
        assertEquals(0, CliRunner.run("convert", "-q", dense.toString(), "-o", ternary.toString()).exitCode());
    }

    @Test
    void generateIsDeterministicWhenGreedyAndReportsJson() throws Exception {
        String[] args = {"generate", ternary.toString(), "--prompt", "Once upon a time", "--max-tokens", "12",
            "--temperature", "0", "--json"};
        CliRunner a = CliRunner.run(args);
        CliRunner b = CliRunner.run(args);
        assertEquals(0, a.exitCode(), a.err());
        JsonNode json = new ObjectMapper().readTree(a.out());
        assertEquals(12, json.path("tokens").asInt());
        assertEquals("length", json.path("stop_reason").asText());
        assertTrue(json.path("decode_tok_s").asDouble() > 0);
        assertEquals(json.path("text"), new ObjectMapper().readTree(b.out()).path("text"));
    }

    @Test
    void generateStreamsTextAndAStatsLine() {
        CliRunner r = CliRunner.run("generate", ternary.toString(), "-p", "Hi", "--max-tokens", "5", "--seed", "3");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("[prompt 3 tok"), r.err());
        assertTrue(r.err().contains("reply 5 tok"), r.err());
    }

    @Test
    void chatAnswersEachPipedLineAndHandlesReset() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("hello\n/reset\nagain\n".getBytes(StandardCharsets.UTF_8)));
            CliRunner r = CliRunner.run("chat", ternary.toString(), "--max-tokens", "4", "--temperature", "0");
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(2, r.err().lines().filter(l -> l.startsWith("[prompt")).count(), r.err());
            assertTrue(r.err().contains("(conversation cleared)"));
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void perplexityPrintsTheLastLineAndJson() throws Exception {
        Path text = tmp.resolve("text.txt");
        Files.writeString(text, "It is a truth universally acknowledged, that a single man in possession of a good "
                + "fortune, must be in want of a wife.");
        CliRunner r = CliRunner.run("perplexity", ternary.toString(), "--data", text.toString(), "--context", "32");
        assertEquals(0, r.exitCode(), r.err());
        String last = r.out().strip().lines().reduce((x, y) -> y).orElseThrow();
        assertTrue(last.matches("perplexity: [0-9.]+ \\(\\d+ tokens\\)"), last);
        CliRunner j = CliRunner.run("perplexity", ternary.toString(), "--data", text.toString(), "--context", "32",
                "--json");
        JsonNode json = new ObjectMapper().readTree(j.out());
        // byte-level tokens, BOS-prefixed windows: every byte is scored
        assertEquals(Files.readAllBytes(text).length, json.path("tokens").asInt());
        assertTrue(json.path("perplexity").asDouble() > 1);
    }

    @Test
    void benchReportsSpeedsAndTheBaselineAsJson() throws Exception {
        CliRunner r = CliRunner.run("bench", "--synthetic", "tiny", "--prompt-tokens", "8", "--gen-tokens", "4",
                "--repeat", "1", "--baseline", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        for (String field : List.of("model", "threads", "prefill_tok_s", "decode_tok_s", "weight_bytes")) {
            assertTrue(json.has(field), field);
            assertTrue(json.path("baseline").has(field), "baseline." + field);
        }
        assertTrue(json.path("baseline").path("decode_speedup").asDouble() > 0);
        assertTrue(json.path("weight_bytes").asLong() < json.path("baseline").path("weight_bytes").asLong());
    }

    @Test
    void badInputsAreOneLineErrors() throws Exception {
        assertError("ternary: error: --temperature must be a number ≥ 0, got -1.0",
                "generate", ternary.toString(), "-p", "x", "--temperature", "-1");
        assertError("ternary: error: --top-p must be in (0, 1], got 2.0",
                "generate", ternary.toString(), "-p", "x", "--top-p", "2");
        assertError("ternary: error: the prompt has 41 tokens but the context holds 16; shorten it or raise --context",
                "generate", ternary.toString(), "-p", "y".repeat(40), "--context", "16");
        assertError("ternary: error: " + tmp.resolve("none.txt") + ": no such file",
                "perplexity", ternary.toString(), "--data", tmp.resolve("none.txt").toString());
        assertError("ternary: error: give either MODEL or --synthetic SHAPE", "bench");

        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        for (String f : List.of("config.json", "tokenizer.json")) {
            Files.copy(ternary.resolve(f), broken.resolve(f));
        }
        assertError("ternary: error: " + broken + ": no .safetensors weights found (expected model.safetensors or "
                + "model.safetensors.index.json)", "generate", broken.toString(), "-p", "x");

        Path gpt2 = tmp.resolve("gpt2");
        Files.createDirectories(gpt2);
        Files.writeString(gpt2.resolve("config.json"), "{\"architectures\": [\"GPT2LMHeadModel\"]}");
        assertError("ternary: error: " + gpt2.resolve("config.json") + ": unsupported architecture 'GPT2LMHeadModel' "
                + "(supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, BitNetForCausalLM)",
                "generate", gpt2.toString(), "-p", "x");
    }

    private static void assertError(String expected, String... args) {
        CliRunner r = CliRunner.run(args);
        assertEquals(1, r.exitCode(), r.err());
        assertEquals(expected + "\n", r.err());
    }
}

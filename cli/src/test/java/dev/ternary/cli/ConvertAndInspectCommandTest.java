package dev.ternary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertAndInspectCommandTest {
    @TempDir
    Path tmp;

    private Path synthesize() {
        Path model = tmp.resolve("tiny");
        CliRunner r = CliRunner.run("synthesize", "--shape", "tiny", "-o", model.toString());
        assertEquals(0, r.exitCode(), r.err());
        return model;
    }

    @Test
    void convertWritesTheDefaultOutputAndPrintsASummary() {
        Path model = synthesize();
        CliRunner r = CliRunner.run("convert", model.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.isDirectory(tmp.resolve("tiny-ternary")));
        assertTrue(r.out().contains("Converted 14 projections to ternary"), r.out());
        assertTrue(r.out().contains("linear layers:") && r.out().contains("7.98x smaller"), r.out());
        assertTrue(r.out().contains("whole model:"), r.out());
    }

    @Test
    void quietConvertPrintsNothing() {
        Path model = synthesize();
        CliRunner r = CliRunner.run("convert", "--quiet", model.toString(), "-o", tmp.resolve("q").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("", r.out());
    }

    @Test
    void inspectReportsTernaryAndDenseParametersAsJson() throws Exception {
        Path model = synthesize();
        assertEquals(0, CliRunner.run("convert", "-q", model.toString(), "-o", tmp.resolve("t").toString()).exitCode());
        CliRunner r = CliRunner.run("inspect", "--json", tmp.resolve("t").toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("LlamaForCausalLM", json.path("architecture").asText());
        // tiny: 2 layers x (q 64x64 + k,v 32x64 + o 64x64 + gate,up 128x64 + down 64x128)
        assertEquals(2 * (4096 + 2 * 2048 + 4096 + 3 * 8192), json.path("ternary_parameters").asLong());
        assertEquals("bitnet", json.path("quantization_config").path("quant_method").asText());
        assertEquals(14, json.path("dtypes").path("U8").path("tensors").asInt());

        CliRunner text = CliRunner.run("inspect", tmp.resolve("t").toString());
        assertTrue(text.out().contains("architecture:   LlamaForCausalLM"), text.out());
        assertTrue(text.out().contains("73728 ternary"), text.out());
    }

    @Test
    void userErrorsAreOneLineWithExitCodeOne() {
        CliRunner r = CliRunner.run("convert", tmp.resolve("missing").toString());
        assertEquals(1, r.exitCode());
        assertEquals("ternary: error: " + tmp.resolve("missing") + ": no such file or directory\n", r.err());
        assertFalse(r.err().contains("Exception"));
    }

    @Test
    void existingOutputIsRefusedAndForceReplacesIt() {
        Path model = synthesize();
        Path out = tmp.resolve("out");
        assertEquals(0, CliRunner.run("convert", "-q", model.toString(), "-o", out.toString()).exitCode());
        CliRunner again = CliRunner.run("convert", "-q", model.toString(), "-o", out.toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("already exists; choose another output or pass --force"), again.err());
        assertEquals(0, CliRunner.run("convert", "-q", "--force", model.toString(), "-o", out.toString()).exitCode());
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRunner r = CliRunner.run("convert", "--verbose", tmp.resolve("missing").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("at dev.ternary"), r.err());
    }

    @Test
    void usageErrorsExitWithTwo() {
        CliRunner r = CliRunner.run("convert");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("ternary convert: Missing required parameter: 'INPUT'"), r.err());
        assertEquals(2, CliRunner.run("convert", "x", "--max-shard-size", "lots").exitCode());
        assertEquals(2, CliRunner.run("no-such-command").exitCode());
    }

    @Test
    void badOptionValuesAreUserErrors() {
        Path model = synthesize();
        CliRunner r = CliRunner.run("convert", model.toString(), "--dense-dtype", "f64");
        assertEquals(1, r.exitCode());
        assertEquals("ternary: error: --dense-dtype: 'f64' is not one of bf16, f16, f32, keep\n", r.err());
    }

    @Test
    void versionHelpAndCompletion() {
        CliRunner version = CliRunner.run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("ternary "), version.out());
        CliRunner help = CliRunner.run("--help");
        assertTrue(help.out().contains("convert") && help.out().contains("inspect"), help.out());
        CliRunner completion = CliRunner.run("generate-completion");
        assertEquals(0, completion.exitCode());
        assertTrue(completion.out().contains("complete -F"), completion.out().substring(0, 200));
    }

    @Test
    void byteSizesParseDecimalAndBinaryUnits() {
        assertEquals(5_000_000_000L, ByteSizes.parse("5GB"));
        assertEquals(1L << 20, ByteSizes.parse("1MiB"));
        assertEquals(1500L, ByteSizes.parse("1.5kB"));
        assertEquals("2.50 GB", ByteSizes.format(2_500_000_000L));
    }
}

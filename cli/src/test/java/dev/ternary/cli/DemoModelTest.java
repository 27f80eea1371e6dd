package dev.ternary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo models committed under models/demo: what README's quickstart runs. */
class DemoModelTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DEMO = ROOT.resolve("models/demo");
    private static String previousHome;

    @BeforeAll
    static void pointTheCliAtTheRepository() {
        previousHome = System.getProperty("ternary.home");
        System.setProperty("ternary.home", ROOT.toString());
    }

    @AfterAll
    static void restore() {
        if (previousHome == null) {
            System.clearProperty("ternary.home");
        } else {
            System.setProperty("ternary.home", previousHome);
        }
    }

    @Test
    void chatWithoutAModelRunsTheDemoStudent() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("It is a truth universally acknowledged\n"
                    .getBytes(StandardCharsets.UTF_8)));
            CliRunner r = CliRunner.run("chat", "--max-tokens", "12", "--temperature", "0");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().strip().length() > 10, "a reply: " + r.out());
            assertTrue(r.err().contains("reply 12 tok") || r.err().contains("| eos"), r.err());
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void theStudentIsTernaryAndSmallAndTheTeacherIsNot() throws Exception {
        JsonNode student = inspect(DEMO.resolve("student"));
        JsonNode teacher = inspect(DEMO.resolve("teacher"));
        assertEquals("bitnet", student.path("quantization_config").path("quant_method").asText(), student.toString());
        assertEquals(0, teacher.path("ternary_parameters").asLong(), teacher.toString());
        assertTrue(student.path("ternary_parameters").asLong() > 0.8 * (teacher.path("dense_parameters").asLong() + teacher.path("ternary_parameters").asLong()));
        long total = 0;
        try (var files = Files.walk(DEMO)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(f);
            }
        }
        assertTrue(total <= 60_000_000L, "models/demo must stay within 60 MB, is " + total);
        assertTrue(student.path("bytes_on_disk").asLong() * 5 < teacher.path("bytes_on_disk").asLong());
    }

    @Test
    void theStudentPredictsHeldOutAustenFarBetterThanChance() throws Exception {
        Path sample = Files.createTempFile("heldout", ".txt");
        try {
            // The first 20 kB of the held-out chapters (README's table scores all of them).
            Files.writeString(sample, Files.readString(DEMO.resolve("heldout.txt")).substring(0, 20_000));
            CliRunner r = CliRunner.run("perplexity", "--data", sample.toString(), "--context", "256", "--json");
            assertEquals(0, r.exitCode(), r.err());
            double perplexity = new ObjectMapper().readTree(r.out()).path("perplexity").asDouble();
            // Uniform guessing over the 4,096-token vocabulary scores 4,096.
            assertTrue(perplexity > 1 && perplexity < 200, "perplexity " + perplexity);
        } finally {
            Files.deleteIfExists(sample);
        }
    }

    private static JsonNode inspect(Path model) throws Exception {
        CliRunner r = CliRunner.run("inspect", "--json", model.toString());
        assertEquals(0, r.exitCode(), r.err());
        return new ObjectMapper().readTree(r.out());
    }
}

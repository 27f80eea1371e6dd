package dev.ternary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ternary.convert.tokenizer.ByteLevelTokenizerJson;
import dev.ternary.train.model.Torch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainAndDistillCommandTest {
    @TempDir
    Path tmp;
    Path model;
    Path data;

    /** A random tiny Llama with a byte-level tokenizer (vocab 256) and a little text. */
    @BeforeEach
    void setUp() throws Exception {
        model = tmp.resolve("tiny");
        assertEquals(0, CliRunner.run("synthesize", "-q", "--shape", "tiny", "-o", model.toString()).exitCode());
        ByteLevelTokenizerJson.write(model.resolve("tokenizer.json"), List.of());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            text.append("line ").append(i % 17).append(": the ternary fox jumps over the lazy dog.\n");
        }
        data = Files.writeString(tmp.resolve("text.txt"), text);
    }

    private static final String[] SMALL = {"--steps", "4", "--batch", "2", "--seq-len", "32", "--eval-every", "2",
        "--eval-sequences", "2", "--checkpoint-every", "2", "--threads", "1"};

    private static String[] args(String[] head, String... tail) {
        String[] all = new String[head.length + SMALL.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(SMALL, 0, all, head.length, SMALL.length);
        System.arraycopy(tail, 0, all, head.length + SMALL.length, tail.length);
        return all;
    }

    @Test
    void trainWritesAModelMetricsAndAPlot() throws Exception {
        Path out = tmp.resolve("run");
        Files.writeString(model.resolve("chat_template.jinja"), "{{ messages[0]['content'] }}");
        CliRunner r = CliRunner.run(args(new String[] {"train", "--config", model.resolve("config.json").toString(),
            "--data", data.toString(), "-o", out.toString(), "--mode", "dense"}));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Trained 4 steps"), r.out());
        assertTrue(r.out().contains("step 2: held-out loss"), r.out());
        assertTrue(r.out().contains("held-out loss") && r.out().contains("perplexity"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("model/model.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("model/tokenizer.json")));
        assertEquals("{{ messages[0]['content'] }}", Files.readString(out.resolve("model/chat_template.jinja")),
                "files beside config.json travel with the model");
        assertTrue(Files.size(out.resolve("loss.png")) > 1000);
        long steps = Files.readAllLines(out.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"type\":\"step\"")).count();
        assertEquals(4, steps);
    }

    @Test
    void distillWritesATernaryModelAndMastersAndResumes() throws Exception {
        Path out = tmp.resolve("distilled");
        String[] head = {"distill", "--teacher", model.toString(), "--data", data.toString(), "-o", out.toString()};
        CliRunner r = CliRunner.run(args(head));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Trained 4 steps"), r.out());
        assertTrue(r.out().contains("fp32 masters (continue with --student): " + out.resolve("masters")), r.out());
        var config = new ObjectMapper().readTree(out.resolve("model/config.json").toFile());
        assertEquals("bitnet", config.path("quantization_config").path("quant_method").asText());
        assertTrue(Files.isRegularFile(out.resolve("masters/model.safetensors")));

        CliRunner again = CliRunner.run(args(head));
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("already exists; pass --resume to continue its training or --force"),
                again.err());

        String[] longer = args(head, "--resume");
        longer[java.util.Arrays.asList(longer).indexOf("--steps") + 1] = "6";
        CliRunner resumed = CliRunner.run(longer);
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("Resuming at step 4 of 6"), resumed.out());
        assertTrue(resumed.out().contains("Trained 6 steps"), resumed.out());

        CliRunner fromMasters = CliRunner.run(args(new String[] {"distill", "--teacher", model.toString(),
            "--student", out.resolve("masters").toString(), "--data", data.toString(),
            "-o", tmp.resolve("second").toString()}));
        assertEquals(0, fromMasters.exitCode(), fromMasters.err());
    }

    @Test
    void userErrorsAreOneLine() {
        CliRunner r = CliRunner.run("distill", "--teacher", tmp.resolve("nope").toString(), "--data", data.toString(),
                "-o", tmp.resolve("o").toString());
        assertEquals(1, r.exitCode());
        assertEquals("ternary: error: " + tmp.resolve("nope") + ": no such file or directory", r.err().strip());

        r = CliRunner.run("distill", "--teacher", model.toString(), "--data", data.toString(),
                "-o", tmp.resolve("o").toString(), "--alpha-kd", "1.5");
        assertEquals(1, r.exitCode());
        assertEquals("ternary: error: --alpha-kd must be in [0, 1], got 1.5", r.err().strip());

        r = CliRunner.run("train", "--config", model.toString(), "--data", data.toString(), "-o",
                tmp.resolve("o").toString(), "--mode", "binary");
        assertEquals(1, r.exitCode());
        assertEquals("ternary: error: --mode: 'binary' is not one of dense, ternary", r.err().strip());
    }

    @Test
    void gpuWithoutAGpuIsAClearError() {
        Assumptions.assumeTrue(Torch.engine().getGpuCount() == 0, "this machine has a GPU");
        CliRunner r = CliRunner.run("distill", "--teacher", model.toString(), "--data", data.toString(),
                "-o", tmp.resolve("o").toString(), "--device", "gpu");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("ternary: error: --device gpu: PyTorch sees no CUDA GPU"), r.err());
        assertTrue(r.err().strip().lines().count() == 1, r.err());
        assertTrue(Files.notExists(tmp.resolve("o")), "nothing is written before the device is known to work");
    }
}

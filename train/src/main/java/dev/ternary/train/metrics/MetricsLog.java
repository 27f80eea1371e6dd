package dev.ternary.train.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.output.StagedFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl}: one JSON object per line, {@code "type": "step"} or {@code "eval"}, appended and flushed
 * as they happen so {@code tail -f} and plotting tools see a live run. On resume the lines after the checkpoint's
 * step are dropped, so the file reads as one uninterrupted run.
 */
public final class MetricsLog implements AutoCloseable {
    public static final String FILE_NAME = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final BufferedWriter out;
    private final List<StepMetrics> steps = new ArrayList<>();
    private final List<EvalMetrics> evals = new ArrayList<>();

    private MetricsLog(Path file, List<StepMetrics> steps, List<EvalMetrics> evals) throws IOException {
        this.file = file;
        this.steps.addAll(steps);
        this.evals.addAll(evals);
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** The records of a run's log, as a reader (plots, notebooks, tests) sees them. */
    public record Records(List<StepMetrics> steps, List<EvalMetrics> evals) {}

    /** Reads {@code dir/metrics.jsonl} (empty if absent), skipping torn lines. */
    public static Records read(Path dir) throws IOException {
        List<StepMetrics> steps = new ArrayList<>();
        List<EvalMetrics> evals = new ArrayList<>();
        filter(dir.resolve(FILE_NAME), Long.MAX_VALUE, steps, evals);
        return new Records(steps, evals);
    }

    /**
     * Opens the log in {@code dir} for appending, keeping only records up to {@code lastStep} (0 for a fresh run:
     * empty), and rewriting the file atomically if anything was dropped.
     */
    public static MetricsLog open(Path dir, long lastStep) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        List<StepMetrics> steps = new ArrayList<>();
        List<EvalMetrics> evals = new ArrayList<>();
        List<String> kept = filter(file, lastStep, steps, evals);
        if (Files.exists(file) && kept.size() != Files.readAllLines(file, StandardCharsets.UTF_8).size()) {
            StagedFile.write(file, out -> out.write((String.join("\n", kept) + (kept.isEmpty() ? "" : "\n"))
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return new MetricsLog(file, steps, evals);
    }

    /** Parses the lines with {@code step <= lastStep} into the lists and returns those lines. */
    private static List<String> filter(Path file, long lastStep, List<StepMetrics> steps, List<EvalMetrics> evals)
            throws IOException {
        List<String> kept = new ArrayList<>();
        if (!Files.exists(file)) {
            return kept;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode n = parse(line);
            if (n == null || n.path("step").asLong(Long.MAX_VALUE) > lastStep) {
                continue;
            }
            kept.add(line);
            if ("eval".equals(n.path("type").asText())) {
                evals.add(new EvalMetrics(n.get("step").asLong(), n.get("loss").asDouble(),
                        n.get("perplexity").asDouble(), n.get("tokens").asLong()));
            } else {
                steps.add(new StepMetrics(n.get("step").asLong(), n.get("loss").asDouble(),
                        n.path("ce").asDouble(), n.path("kd").asDouble(), n.path("lr").asDouble(),
                        n.path("lambda").asDouble(), n.path("grad_norm").asDouble(),
                        n.path("tokens_per_s").asDouble(), n.path("elapsed_s").asDouble()));
            }
        }
        return kept;
    }

    private static JsonNode parse(String line) {
        try {
            return line.isBlank() ? null : JSON.readTree(line);
        } catch (IOException e) {
            return null; // a line torn by a kill mid-write
        }
    }

    public void step(StepMetrics m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "step");
        n.put("step", m.step());
        n.put("loss", m.loss());
        n.put("ce", m.crossEntropy());
        n.put("kd", m.distillation());
        n.put("lr", m.learningRate());
        n.put("lambda", m.lambda());
        n.put("grad_norm", m.gradientNorm());
        n.put("tokens_per_s", m.tokensPerSecond());
        n.put("elapsed_s", m.elapsedSeconds());
        write(n);
        steps.add(m);
    }

    public void eval(EvalMetrics m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "eval");
        n.put("step", m.step());
        n.put("loss", m.loss());
        n.put("perplexity", m.perplexity());
        n.put("tokens", m.tokens());
        write(n);
        evals.add(m);
    }

    private void write(ObjectNode n) {
        try {
            out.write(JSON.writeValueAsString(n));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<StepMetrics> steps() {
        return List.copyOf(steps);
    }

    public List<EvalMetrics> evals() {
        return List.copyOf(evals);
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}

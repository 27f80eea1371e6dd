package dev.ternary.train.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.output.FileTrees;
import dev.ternary.convert.output.StagedFile;
import dev.ternary.train.checkpoint.CheckpointStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A run's output directory: {@code run.json} (what the run is), {@code checkpoints/}, {@code metrics.jsonl},
 * {@code loss.png} and, when done, {@code model/} and {@code masters/}. Decides between a fresh start, an
 * explicit restart ({@code --force}) and a resume ({@code --resume}), and refuses a resume whose settings would
 * make it a different run (other data, sequence length, batch, seed, teacher…).
 */
public final class RunDirectory {
    public static final String RUN_FILE = "run.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunDirectory() {}

    /** The directory ready for the run, and the checkpoint to resume from when resuming. */
    public record Prepared(Path directory, Optional<Path> resumeFrom) {}

    /**
     * @param description what this run is; written to {@code run.json}
     * @param mustMatch   fields of {@code description} a resumed run may not change
     */
    public static Prepared prepare(Path output, boolean resume, boolean force, ObjectNode description,
            List<String> mustMatch) throws IOException {
        Path dir = output.toAbsolutePath().normalize();
        Path runFile = dir.resolve(RUN_FILE);
        if (resume) {
            if (!Files.isRegularFile(runFile)) {
                throw InvalidInputException.inFile(dir, "has no " + RUN_FILE + ": nothing to resume");
            }
            JsonNode previous = JSON.readTree(runFile.toFile());
            for (String field : mustMatch) {
                if (!Objects.equals(String.valueOf(previous.get(field)), String.valueOf(description.get(field)))) {
                    throw InvalidInputException.inFile(runFile, "was started with " + field + " = "
                            + previous.get(field) + ", not " + description.get(field)
                            + "; resume with the same setting or start a new run");
                }
            }
            Optional<Path> checkpoint = new CheckpointStore(dir, 1).latest();
            if (checkpoint.isEmpty()) {
                throw InvalidInputException.inFile(dir, "has no complete checkpoint yet; start over with --force");
            }
            writeJson(runFile, description);
            return new Prepared(dir, checkpoint);
        }
        if (Files.exists(dir)) {
            if (!force) {
                throw InvalidInputException.inFile(output, "already exists; pass --resume to continue its training"
                        + " or --force to start over");
            }
            if (!Files.isDirectory(dir) || !Files.isRegularFile(runFile) && !isEmpty(dir)) {
                throw InvalidInputException.inFile(output, "exists and is not a training run (no " + RUN_FILE
                        + "); refusing to delete it");
            }
            FileTrees.delete(dir);
        }
        Files.createDirectories(dir);
        writeJson(runFile, description);
        return new Prepared(dir, Optional.empty());
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void writeJson(Path file, ObjectNode json) throws IOException {
        StagedFile.write(file, out -> out.write((json.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8)));
    }
}

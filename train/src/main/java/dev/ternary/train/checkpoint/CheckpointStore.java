package dev.ternary.train.checkpoint;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.output.FileTrees;
import dev.ternary.train.data.DataPosition;
import dev.ternary.train.weights.Float32Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Resumable training checkpoints under {@code RUN/checkpoints/step-NNNNNNNN/}: the fp32 weights
 * ({@code weights.safetensors}), the optimizer moments ({@code optimizer.safetensors}) and {@code state.json}.
 *
 * <p>Each checkpoint is written into a hidden temporary directory and renamed into place, so a checkpoint either
 * exists complete or not at all: a run killed at any moment (even SIGKILL, mid-write) resumes from the last
 * complete one and loses only the steps after it. Older checkpoints are pruned after a new one lands. No JVM
 * shutdown hook deletes the temporary directory: Ctrl-C is exactly when a checkpoint is being written.
 */
public final class CheckpointStore {
    public static final String DIRECTORY = "checkpoints";
    static final String WEIGHTS = "weights.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "state.json";
    private static final Pattern NAME = Pattern.compile("step-(\\d{8,})");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final int keep;

    /** @param keep how many most recent checkpoints to keep (at least 1) */
    public CheckpointStore(Path runDirectory, int keep) {
        this.root = runDirectory.resolve(DIRECTORY);
        this.keep = Math.max(1, keep);
    }

    /** A loaded checkpoint. */
    public record Loaded(Path directory, TrainingState state, Map<String, float[]> weights,
            Map<String, float[]> optimizer) {}

    /** Writes a checkpoint atomically and prunes old ones; returns its directory. */
    public Path save(TrainingState state, Map<String, NDArray> weights, Map<String, NDArray> optimizer)
            throws IOException {
        Files.createDirectories(root);
        String name = String.format("step-%08d", state.step());
        Path target = root.resolve(name);
        Path staging = Files.createTempDirectory(root, "." + name + ".partial-");
        try {
            Float32Tensors.write(staging.resolve(WEIGHTS), weights);
            Float32Tensors.write(staging.resolve(OPTIMIZER), optimizer);
            Files.writeString(staging.resolve(STATE), toJson(state));
            if (Files.exists(target)) {
                FileTrees.delete(target);
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target);
            }
        } catch (IOException | RuntimeException e) {
            FileTrees.delete(staging);
            throw e;
        }
        prune();
        return target;
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Path> latest() {
        return complete().stream().max(Comparator.comparingLong(CheckpointStore::stepOf));
    }

    public Loaded load(Path dir) {
        TrainingState state = readState(dir.resolve(STATE));
        return new Loaded(dir, state, Float32Tensors.read(dir.resolve(WEIGHTS)),
                Float32Tensors.read(dir.resolve(OPTIMIZER)));
    }

    /** Removes leftovers of checkpoints whose writing was interrupted. */
    public void removeIncomplete() throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".")).toList()) {
                FileTrees.delete(p);
            }
        }
    }

    private List<Path> complete() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void prune() throws IOException {
        List<Path> all = complete().stream().sorted(Comparator.comparingLong(CheckpointStore::stepOf)).toList();
        for (int i = 0; i < all.size() - keep; i++) {
            FileTrees.delete(all.get(i));
        }
    }

    private static long stepOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String toJson(TrainingState s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("step", s.step());
        n.put("epoch", s.data().epoch());
        n.put("cursor", s.data().cursor());
        n.put("seed", s.seed());
        n.put("tokens_seen", s.tokensSeen());
        n.put("elapsed_seconds", s.elapsedSeconds());
        return n.toPrettyString() + "\n";
    }

    private static TrainingState readState(Path file) {
        try {
            JsonNode n = JSON.readTree(file.toFile());
            return new TrainingState(n.get("step").asLong(), new DataPosition(n.get("epoch").asLong(),
                    n.get("cursor").asInt()), n.get("seed").asLong(), n.get("tokens_seen").asLong(),
                    n.get("elapsed_seconds").asDouble());
        } catch (IOException | NullPointerException e) {
            throw InvalidInputException.inFile(file, "unreadable checkpoint state: " + e.getMessage());
        }
    }
}

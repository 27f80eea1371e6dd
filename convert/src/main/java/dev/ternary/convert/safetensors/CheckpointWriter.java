package dev.ternary.convert.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a model's tensors into a directory as {@code model.safetensors}, or, when a shard size limit is set and
 * exceeded, as {@code model-0000K-of-0000N.safetensors} shards plus {@code model.safetensors.index.json} — the
 * names and index format Hugging Face uses, so the result loads there unchanged.
 */
public final class CheckpointWriter implements AutoCloseable {
    private final Path directory;
    private final List<SafetensorsWriter> shards;
    private final Map<String, SafetensorsWriter> owner = new HashMap<>();
    private final boolean sharded;

    private CheckpointWriter(Path directory, List<SafetensorsWriter> shards) {
        this.directory = directory;
        this.shards = shards;
        this.sharded = shards.size() > 1;
        for (SafetensorsWriter w : shards) {
            for (TensorSpec s : w.layout().specs()) {
                owner.put(s.name(), w);
            }
        }
    }

    /**
     * Lays out the tensors (in the given order) and creates the file(s) with their headers.
     *
     * @param maxShardBytes split into shards of at most this many data bytes (a larger single tensor gets a
     *                      shard of its own); 0 or less writes one file
     */
    public static CheckpointWriter create(Path directory, List<TensorSpec> specs, Map<String, String> metadata,
            long maxShardBytes) throws IOException {
        List<List<TensorSpec>> groups = split(specs, maxShardBytes);
        List<SafetensorsWriter> writers = new ArrayList<>();
        try {
            for (int i = 0; i < groups.size(); i++) {
                String name = groups.size() == 1
                        ? Checkpoint.SINGLE_FILE
                        : String.format("model-%05d-of-%05d.safetensors", i + 1, groups.size());
                writers.add(SafetensorsWriter.create(directory.resolve(name),
                        SafetensorsLayout.of(groups.get(i), metadata)));
            }
        } catch (IOException | RuntimeException e) {
            writers.forEach(SafetensorsWriter::abandon);
            throw e;
        }
        return new CheckpointWriter(directory, writers);
    }

    static List<List<TensorSpec>> split(List<TensorSpec> specs, long maxShardBytes) {
        List<List<TensorSpec>> groups = new ArrayList<>();
        List<TensorSpec> current = new ArrayList<>();
        long size = 0;
        for (TensorSpec s : specs) {
            if (maxShardBytes > 0 && !current.isEmpty() && size + s.byteSize() > maxShardBytes) {
                groups.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(s);
            size += s.byteSize();
        }
        groups.add(current);
        return groups;
    }

    public Path directory() {
        return directory;
    }

    public List<Path> files() {
        return shards.stream().map(SafetensorsWriter::path).toList();
    }

    public void write(String name, long offsetInTensor, ByteBuffer src) throws IOException {
        writerOf(name).write(name, offsetInTensor, src);
    }

    public void write(String name, long offsetInTensor, MemorySegment src) throws IOException {
        writerOf(name).write(name, offsetInTensor, src);
    }

    private SafetensorsWriter writerOf(String name) {
        SafetensorsWriter w = owner.get(name);
        if (w == null) {
            throw new IllegalArgumentException("tensor " + name + " was not laid out");
        }
        return w;
    }

    /** Closes every shard (checking completeness) and writes the index when sharded. */
    @Override
    public void close() throws IOException {
        for (SafetensorsWriter w : shards) {
            w.close();
        }
        if (sharded) {
            writeIndex();
        }
    }

    /** Closes without checks after a failure; the caller removes the directory. */
    public void abandon() {
        shards.forEach(SafetensorsWriter::abandon);
    }

    private void writeIndex() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        long total = 0;
        ObjectNode weightMap = json.createObjectNode();
        for (SafetensorsWriter w : shards) {
            total += w.layout().dataSize();
            for (TensorSpec s : w.layout().specs()) {
                weightMap.put(s.name(), w.path().getFileName().toString());
            }
        }
        root.putObject("metadata").put("total_size", total);
        root.set("weight_map", weightMap);
        Files.writeString(directory.resolve(Checkpoint.INDEX_FILE),
                json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }
}

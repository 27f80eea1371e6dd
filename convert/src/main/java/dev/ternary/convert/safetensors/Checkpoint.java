package dev.ternary.convert.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ternary.convert.InvalidInputException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * All tensors of a model, from one safetensors file or from shards listed by
 * {@code model.safetensors.index.json} ({@code {"weight_map": {tensor: shard file}}}), as Hugging Face writes them.
 */
public final class Checkpoint implements AutoCloseable {
    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";

    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> owner;

    private Checkpoint(List<SafetensorsFile> files, Map<String, SafetensorsFile> owner) {
        this.files = files;
        this.owner = owner;
    }

    /** Opens one safetensors file as a checkpoint. */
    public static Checkpoint openFile(Path file) {
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
        for (TensorInfo t : f.tensors()) {
            owner.put(t.name(), f);
        }
        return new Checkpoint(List.of(f), owner);
    }

    /**
     * Opens the checkpoint in a model directory: the index and its shards if an index exists, else
     * {@code model.safetensors}, else the only {@code *.safetensors} file.
     */
    public static Checkpoint openDirectory(Path dir) {
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openIndex(index);
        }
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return openFile(single);
        }
        List<Path> candidates = safetensorsFilesIn(dir);
        if (candidates.size() == 1) {
            return openFile(candidates.getFirst());
        }
        if (candidates.isEmpty()) {
            throw InvalidInputException.inFile(dir, "no .safetensors weights found (expected " + SINGLE_FILE + " or "
                    + INDEX_FILE + ")");
        }
        throw InvalidInputException.inFile(dir, candidates.size() + " .safetensors files but no " + INDEX_FILE
                + " saying which tensors each holds");
    }

    private static List<Path> safetensorsFilesIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw InvalidInputException.inFile(dir, "cannot list directory: " + e.getMessage());
        }
    }

    /** Opens a sharded checkpoint from its index file. */
    public static Checkpoint openIndex(Path index) {
        JsonNode weightMap = readWeightMap(index);
        Map<String, SafetensorsFile> byShard = new LinkedHashMap<>();
        Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
                if (!e.getValue().isTextual()) {
                    throw InvalidInputException.inFile(index, "weight_map entry '" + e.getKey() + "' is not a file name");
                }
                String shardName = e.getValue().asText();
                if (shardName.contains("/") || shardName.contains("\\") || shardName.startsWith("..")) {
                    throw InvalidInputException.inFile(index, "shard '" + shardName
                            + "' must be a plain file name in the model directory");
                }
                Path shardPath = index.resolveSibling(shardName);
                SafetensorsFile shard = byShard.get(shardName);
                if (shard == null) {
                    if (!Files.exists(shardPath)) {
                        throw InvalidInputException.inFile(index, "lists shard '" + shardName
                                + "' which does not exist; the download is incomplete");
                    }
                    shard = SafetensorsFile.open(shardPath);
                    byShard.put(shardName, shard);
                }
                if (!shard.contains(e.getKey())) {
                    throw InvalidInputException.inFile(index, "says tensor '" + e.getKey() + "' is in '" + shardName
                            + "' but that shard has no such tensor");
                }
                owner.put(e.getKey(), shard);
            }
        } catch (RuntimeException e) {
            byShard.values().forEach(SafetensorsFile::close);
            throw e;
        }
        return new Checkpoint(new ArrayList<>(byShard.values()), owner);
    }

    private static JsonNode readWeightMap(Path index) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw InvalidInputException.inFile(index, "malformed JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
            throw InvalidInputException.inFile(index, "has no weight_map object");
        }
        return weightMap;
    }

    /** The files backing this checkpoint (one, or the shards). */
    public List<SafetensorsFile> files() {
        return files;
    }

    public Collection<String> tensorNames() {
        return owner.keySet();
    }

    public boolean contains(String name) {
        return owner.containsKey(name);
    }

    public TensorInfo tensor(String name) {
        return fileOf(name).tensor(name);
    }

    /** The file holding a tensor. */
    public SafetensorsFile fileOf(String name) {
        SafetensorsFile f = owner.get(name);
        if (f == null) {
            throw new InvalidInputException("checkpoint has no tensor named '" + name + "'");
        }
        return f;
    }

    public MemorySegment map(String name, Arena arena) {
        SafetensorsFile f = fileOf(name);
        return f.map(f.tensor(name), arena);
    }

    /** Sum of tensor data bytes. */
    public long dataBytes() {
        long n = 0;
        for (String name : owner.keySet()) {
            n += tensor(name).byteSize();
        }
        return n;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}

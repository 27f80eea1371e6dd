package dev.ternary.convert.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each tensor of a safetensors file goes, decided before any data is written so the writer can stream:
 * tensors are laid out back to back in the given order after a JSON header padded with spaces to a multiple of
 * 8 bytes (the alignment the reference implementation produces, so mapped data is 8-byte aligned).
 */
public final class SafetensorsLayout {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<TensorSpec> specs;
    private final byte[] header;
    private final Map<String, Long> dataOffsets;
    private final Map<String, TensorSpec> byName;
    private final long dataSize;

    private SafetensorsLayout(List<TensorSpec> specs, byte[] header, Map<String, Long> dataOffsets, long dataSize) {
        this.specs = specs;
        this.header = header;
        this.dataOffsets = dataOffsets;
        this.dataSize = dataSize;
        this.byName = new HashMap<>();
        for (TensorSpec s : specs) {
            byName.put(s.name(), s);
        }
    }

    public static SafetensorsLayout of(List<TensorSpec> specs, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            metadata.forEach(meta::put);
        }
        Map<String, Long> offsets = new LinkedHashMap<>();
        long position = 0;
        for (TensorSpec spec : specs) {
            if (offsets.containsKey(spec.name()) || spec.name().equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("duplicate or reserved tensor name " + spec.name());
            }
            long end = Math.addExact(position, spec.byteSize());
            ObjectNode entry = root.putObject(spec.name());
            entry.put("dtype", spec.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(spec.shape()).forEach(shape::add);
            entry.putArray("data_offsets").add(position).add(end);
            offsets.put(spec.name(), position);
            position = end;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return new SafetensorsLayout(List.copyOf(specs), header, offsets, position);
    }

    public List<TensorSpec> specs() {
        return specs;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    public TensorSpec spec(String name) {
        TensorSpec s = byName.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no tensor " + name + " in this layout");
        }
        return s;
    }

    /** JSON header bytes, already padded. */
    byte[] headerBytes() {
        return header.clone();
    }

    public long dataStart() {
        return 8L + header.length;
    }

    /** Absolute file offset of a tensor's first byte. */
    public long fileOffset(String name) {
        spec(name);
        return dataStart() + dataOffsets.get(name);
    }

    public long dataSize() {
        return dataSize;
    }

    public long fileSize() {
        return dataStart() + dataSize;
    }
}

package dev.ternary.convert.safetensors;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ternary.convert.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed and validated safetensors header.
 *
 * <p>Format (github.com/huggingface/safetensors): an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * mapping tensor names to {@code {"dtype", "shape", "data_offsets": [begin, end]}} plus an optional
 * {@code "__metadata__"} string map, then the data section. Offsets are relative to the data section.
 *
 * @param tensors   tensors in data order (by begin offset)
 * @param metadata  the {@code __metadata__} map, empty if absent
 * @param dataStart absolute file offset of the data section ({@code 8 + N})
 */
public record SafetensorsHeader(List<TensorInfo> tensors, Map<String, String> metadata, long dataStart) {

    /** Headers larger than this are refused: they are corrupt or hostile, never a real checkpoint. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    public SafetensorsHeader {
        tensors = List.copyOf(tensors);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * Validates a header length read from the first 8 bytes against the file size.
     *
     * @throws InvalidInputException naming the file when the length is absurd or runs past the end
     */
    static void checkHeaderLength(Path file, long headerLength, long fileSize) {
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw InvalidInputException.inFile(file, "not a safetensors file: header length "
                    + Long.toUnsignedString(headerLength) + " bytes exceeds the 100 MB limit");
        }
        if (8 + headerLength > fileSize) {
            throw InvalidInputException.inFile(file, "truncated or not a safetensors file: header length "
                    + headerLength + " runs past the end of the file (" + fileSize + " bytes)");
        }
        if (headerLength < 2) {
            throw InvalidInputException.inFile(file, "not a safetensors file: header of " + headerLength + " bytes");
        }
    }

    /**
     * Parses header JSON and checks every entry against the data section size.
     *
     * @param file     for error messages
     * @param json     the header bytes
     * @param dataSize bytes available after the header
     */
    static SafetensorsHeader parse(Path file, byte[] json, long dataSize) {
        if (json[0] != '{') {
            throw InvalidInputException.inFile(file, "not a safetensors file: header does not start with '{'");
        }
        JsonNode root;
        try {
            root = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw InvalidInputException.inFile(file, "malformed JSON in safetensors header: "
                    + e.getOriginalMessage().lines().findFirst().orElse("parse error"));
        }
        if (root == null || !root.isObject()) {
            throw InvalidInputException.inFile(file, "malformed safetensors header: expected a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA_KEY)) {
                readMetadata(file, e.getValue(), metadata);
            } else {
                tensors.add(readTensor(file, e.getKey(), e.getValue()));
            }
        }
        tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        checkRanges(file, tensors, dataSize);
        return new SafetensorsHeader(tensors, metadata, 8L + json.length);
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw InvalidInputException.inFile(file, "malformed safetensors header: __metadata__ must be an object");
        }
        for (Map.Entry<String, JsonNode> m : node.properties()) {
            if (!m.getValue().isTextual()) {
                throw InvalidInputException.inFile(file,
                        "malformed safetensors header: __metadata__ value '" + m.getKey() + "' must be a string");
            }
            out.put(m.getKey(), m.getValue().asText());
        }
    }

    private static TensorInfo readTensor(Path file, String name, JsonNode node) {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw InvalidInputException.inFile(file, "malformed safetensors header: " + where + " is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsetsNode = node.get("data_offsets");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw InvalidInputException.inFile(file, "malformed safetensors header: " + where + " has no dtype");
        }
        DType dtype = DType.fromHeaderName(dtypeNode.asText()).orElseThrow(() -> InvalidInputException.inFile(file,
                where + " has unsupported dtype " + dtypeNode.asText() + " (supported: " + DType.supportedNames()
                        + "); convert it to one of those first"));
        if (shapeNode == null || !shapeNode.isArray()) {
            throw InvalidInputException.inFile(file, "malformed safetensors header: " + where + " has no shape array");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw InvalidInputException.inFile(file,
                        "malformed safetensors header: " + where + " has an invalid dimension " + d);
            }
            shape[i] = d.asLong();
        }
        if (offsetsNode == null || !offsetsNode.isArray() || offsetsNode.size() != 2
                || !offsetsNode.get(0).canConvertToLong() || !offsetsNode.get(1).canConvertToLong()
                || !offsetsNode.get(0).isIntegralNumber() || !offsetsNode.get(1).isIntegralNumber()) {
            throw InvalidInputException.inFile(file,
                    "malformed safetensors header: " + where + " needs data_offsets [begin, end]");
        }
        long begin = offsetsNode.get(0).asLong();
        long end = offsetsNode.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw InvalidInputException.inFile(file,
                    where + " has invalid data_offsets [" + begin + ", " + end + "]");
        }
        long expected;
        try {
            expected = Math.multiplyExact(TensorInfo.elementCount(shape), dtype.byteSize());
        } catch (ArithmeticException overflow) {
            throw InvalidInputException.inFile(file, where + " has a shape too large to address");
        }
        if (end - begin != expected) {
            throw InvalidInputException.inFile(file, where + " has " + (end - begin) + " bytes of data but its shape "
                    + java.util.Arrays.toString(shape) + " of " + dtype + " needs " + expected);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static void checkRanges(Path file, List<TensorInfo> sorted, long dataSize) {
        long previousEnd = 0;
        String previous = null;
        for (TensorInfo t : sorted) {
            if (t.end() > dataSize) {
                throw InvalidInputException.inFile(file, "tensor '" + t.name() + "' data_offsets [" + t.begin() + ", "
                        + t.end() + "] run past the end of the data section (" + dataSize
                        + " bytes): the file is truncated or the offsets are out of range");
            }
            if (previous != null && t.begin() < previousEnd) {
                throw InvalidInputException.inFile(file, "tensors '" + previous + "' and '" + t.name()
                        + "' have overlapping data_offsets");
            }
            previousEnd = t.end();
            previous = t.name();
        }
    }
}

package dev.ternary.convert.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A Hugging Face {@code config.json}. Keeps the whole JSON so that fields we do not interpret (rope_scaling,
 * token ids, …) pass through conversion unchanged, and offers typed accessors for what we need.
 */
public final class HfConfig {
    public static final String FILE_NAME = "config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path source;
    private final ObjectNode json;

    private HfConfig(Path source, ObjectNode json) {
        this.source = source;
        this.json = json;
    }

    public static HfConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            if (!FILE_NAME.equals(String.valueOf(file.getFileName()))) {
                // a file named by the user (train --config), not one looked up inside a model directory
                throw InvalidInputException.inFile(file, "not found: pass a config.json or the directory holding it");
            }
            throw InvalidInputException.inFile(file.toAbsolutePath().getParent(),
                    "no config.json: a Hugging Face model directory needs config.json next to its weights");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw InvalidInputException.inFile(file, "malformed JSON: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw InvalidInputException.inFile(file, "expected a JSON object");
        }
        return new HfConfig(file, (ObjectNode) root);
    }

    /** A config built in code (tests, synthetic models). */
    public static HfConfig of(ObjectNode json) {
        return new HfConfig(Path.of(FILE_NAME), json.deepCopy());
    }

    public Path source() {
        return source;
    }

    /** A copy of the underlying JSON. */
    public ObjectNode json() {
        return json.deepCopy();
    }

    /** The architecture named in {@code architectures[0]}; a clear error if missing or unsupported. */
    public Architecture architecture() {
        JsonNode archs = json.get("architectures");
        if (archs == null || !archs.isArray() || archs.isEmpty() || !archs.get(0).isTextual()) {
            throw InvalidInputException.inFile(source, "field 'architectures' is missing; expected one of "
                    + Architecture.supportedNames());
        }
        String name = archs.get(0).asText();
        return Architecture.fromHfName(name).orElseThrow(() -> InvalidInputException.inFile(source,
                "unsupported architecture '" + name + "' (supported: " + Architecture.supportedNames() + ")"));
    }

    public int hiddenSize() {
        return requiredInt("hidden_size");
    }

    public int numLayers() {
        return requiredInt("num_hidden_layers");
    }

    public int numHeads() {
        return requiredInt("num_attention_heads");
    }

    public int numKvHeads() {
        return optionalInt("num_key_value_heads").orElse(numHeads());
    }

    public int headDim() {
        return optionalInt("head_dim").orElse(hiddenSize() / numHeads());
    }

    public int intermediateSize() {
        return requiredInt("intermediate_size");
    }

    public int vocabSize() {
        return requiredInt("vocab_size");
    }

    public int maxPositionEmbeddings() {
        return optionalInt("max_position_embeddings").orElse(2048);
    }

    public boolean tieWordEmbeddings() {
        JsonNode n = json.get("tie_word_embeddings");
        return n != null && n.asBoolean(false);
    }

    public double rmsNormEps() {
        JsonNode n = json.get("rms_norm_eps");
        return n != null && n.isNumber() ? n.asDouble() : 1e-6;
    }

    public double ropeTheta() {
        JsonNode n = json.get("rope_theta");
        return n != null && n.isNumber() ? n.asDouble() : 10000.0;
    }

    public Optional<String> hiddenAct() {
        return optionalText("hidden_act");
    }

    public Optional<String> torchDtype() {
        return optionalText("torch_dtype");
    }

    public Optional<JsonNode> ropeScaling() {
        return optionalNode("rope_scaling");
    }

    public Optional<JsonNode> quantizationConfig() {
        return optionalNode("quantization_config");
    }

    /** A copy with one top-level field replaced. */
    public HfConfig with(String field, JsonNode value) {
        ObjectNode copy = json.deepCopy();
        copy.set(field, value);
        return new HfConfig(source, copy);
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
    }

    private Optional<JsonNode> optionalNode(String field) {
        JsonNode n = json.get(field);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n.deepCopy());
    }

    private Optional<String> optionalText(String field) {
        JsonNode n = json.get(field);
        return n != null && n.isTextual() ? Optional.of(n.asText()) : Optional.empty();
    }

    private Optional<Integer> optionalInt(String field) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() <= 0) {
            throw InvalidInputException.inFile(source, "field '" + field + "' must be a positive integer, got " + n);
        }
        return Optional.of(n.asInt());
    }

    private int requiredInt(String field) {
        return optionalInt(field).orElseThrow(() ->
                InvalidInputException.inFile(source, "required field '" + field + "' is missing"));
    }
}

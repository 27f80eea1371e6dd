package dev.ternary.infer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.model.ModelDirectory;
import dev.ternary.convert.synthetic.ModelShape;
import dev.ternary.convert.tokenizer.TextTokenizer;
import dev.ternary.infer.chat.ChatTemplate;
import dev.ternary.infer.runtime.Transformer;
import dev.ternary.kernels.parallel.KernelThreads;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model ready to run: config, weights in kernel layout, kernel threads, and (for models loaded from a
 * directory) the tokenizer and chat template. {@code Model.load(dir)} is the entry point for the CLI and notebooks.
 */
public final class Model implements AutoCloseable {
    private final String name;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final KernelThreads threads;
    private final Arena arena;
    private final WeightSource source;
    private final LoadOptions options;
    private final Optional<TextTokenizer> tokenizer;
    private final ChatTemplate chatTemplate;

    private Model(String name, ModelConfig config, ModelWeights weights, KernelThreads threads, Arena arena,
            WeightSource source, LoadOptions options, Optional<TextTokenizer> tokenizer, ChatTemplate template) {
        this.name = name;
        this.config = config;
        this.weights = weights;
        this.threads = threads;
        this.arena = arena;
        this.source = source;
        this.options = options;
        this.tokenizer = tokenizer;
        this.chatTemplate = template;
    }

    /** Loads a model directory (ternary BitNet-layout or full-precision Hugging Face checkpoint). */
    public static Model load(Path dir, LoadOptions options) {
        ModelDirectory md = ModelDirectory.open(dir);
        HfConfig hf = md.config();
        ModelConfig config = ModelConfig.from(hf, readJson(md.root().resolve("generation_config.json")));
        TextTokenizer tokenizer = Files.isRegularFile(md.root().resolve(TextTokenizer.FILE_NAME))
                ? TextTokenizer.load(md.root()) : null;
        WeightSource source = new CheckpointWeightSource(md.openCheckpoint());
        try {
            return build(md.displayName(), config, source, hf.quantizationConfig(), options, Optional.ofNullable(tokenizer),
                    ChatTemplate.load(md.root()));
        } catch (RuntimeException e) {
            source.close();
            if (tokenizer != null) {
                tokenizer.close();
            }
            throw e;
        }
    }

    /** A random-weight model of a real shape, ternary or bf16, built in memory (no tokenizer). */
    public static Model synthetic(ModelShape shape, boolean ternary, LoadOptions options) {
        ModelConfig config = ModelConfig.from(HfConfig.of(shape.toConfigJson("bfloat16")), Optional.empty());
        Optional<JsonNode> quant = ternary
                ? Optional.of(dev.ternary.convert.Converter.bitnetQuantizationConfig()) : Optional.empty();
        return build("synthetic " + shape.architecture().hfName(), config,
                new SyntheticWeightSource(shape, ternary, 1), quant, options.withWeights(LoadOptions.WeightMode.AS_STORED), Optional.empty(),
                ChatTemplate.plain());
    }

    private static Model build(String name, ModelConfig config, WeightSource source, Optional<JsonNode> quant,
            LoadOptions options, Optional<TextTokenizer> tokenizer, ChatTemplate template) {
        KernelThreads threads = new KernelThreads(options.threads());
        Arena arena = Arena.ofShared();
        try {
            ModelWeights weights = new WeightsLoader(config, source, quant, options, threads, arena).load();
            return new Model(name, config, weights, threads, arena, source, options, tokenizer, template);
        } catch (RuntimeException e) {
            arena.close();
            threads.close();
            throw e;
        }
    }

    private static Optional<JsonNode> readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ObjectMapper().readTree(file.toFile()));
        } catch (IOException e) {
            throw InvalidInputException.inFile(file, "malformed JSON: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    public String name() {
        return name;
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public LoadOptions options() {
        return options;
    }

    /** The tokenizer; a clear error for models that have none. */
    public TextTokenizer tokenizer() {
        return tokenizer.orElseThrow(() -> new InvalidInputException(name + " has no tokenizer.json"));
    }

    /**
     * Token ids of a plain-text prompt: the tokenizer's own special tokens, plus BOS in front when the config
     * defines one and the tokenizer did not add it (Llama 3's tokenizer.json, for one, adds none itself).
     */
    public int[] encodePrompt(String text) {
        return withBos(tokenizer().encode(text, true));
    }

    /** {@code ids} with the config's BOS in front, unless it has none or {@code ids} already starts with it. */
    public int[] withBos(int[] ids) {
        int bos = config.bosTokenId();
        if (bos < 0 || (ids.length > 0 && ids[0] == bos)) {
            return ids;
        }
        int[] withBos = new int[ids.length + 1];
        withBos[0] = bos;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    public boolean hasTokenizer() {
        return tokenizer.isPresent();
    }

    public ChatTemplate chatTemplate() {
        return chatTemplate;
    }

    /** The context length used for KV caches. */
    public int contextLength() {
        return options.contextLength() > 0 ? options.contextLength() : Math.min(config.maxPositions(), 4096);
    }

    /** A fresh forward pass with its own KV cache and buffers. */
    public Transformer newTransformer() {
        return new Transformer(config, weights, threads, contextLength(), options.maxBlock());
    }

    /** Bytes of weights streamed per decoded token. */
    public long weightBytesPerToken() {
        return weights.weightBytesPerToken();
    }

    @Override
    public void close() {
        weights.close();
        arena.close();
        threads.close();
        source.close();
        tokenizer.ifPresent(TextTokenizer::close);
    }
}

package dev.ternary.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.model.ModelDirectory;
import dev.ternary.convert.tokenizer.TextTokenizer;
import dev.ternary.train.checkpoint.CheckpointStore;
import dev.ternary.train.data.TokenStream;
import dev.ternary.train.data.TrainingData;
import dev.ternary.train.export.StudentExport;
import dev.ternary.train.loop.RunDirectory;
import dev.ternary.train.loop.TrainingListener;
import dev.ternary.train.loop.TrainingLoop;
import dev.ternary.train.loop.TrainingReport;
import dev.ternary.train.loss.Objective;
import dev.ternary.train.model.ModelSpec;
import dev.ternary.train.model.ParameterStore;
import dev.ternary.train.model.Torch;
import dev.ternary.train.model.Transformer;
import dev.ternary.train.weights.HfWeights;
import dev.ternary.train.weights.WeightInit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Trains a Llama-family model from scratch on next-token cross-entropy: dense, or ternary with BitLinear
 * projections from the first step (quantization-aware training, as BitNet b1.58 models are pretrained). The
 * output is a Hugging Face model directory: fp32 for dense, the BitNet packed layout (plus fp32 masters) for
 * ternary.
 */
public final class Trainer {
    private static final List<String> MUST_MATCH = List.of("command", "config", "tokenizer", "data", "ternary",
            "seq_len", "batch", "grad_accum", "seed", "held_out");

    private Trainer() {}

    public static TrainingReport run(TrainOptions options, TrainingListener listener) throws IOException {
        var loop = options.loop();
        Device device = Torch.device(loop.device());
        Torch.threads(loop.threads());
        Path configFile = Files.isDirectory(options.config())
                ? options.config().resolve(HfConfig.FILE_NAME) : options.config();
        HfConfig config = HfConfig.read(configFile);
        if (config.quantizationConfig().isPresent()) {
            throw InvalidInputException.inFile(configFile, "has a quantization_config; training starts from a plain"
                    + " model config (pick dense or ternary with --mode)");
        }
        ModelSpec spec = ModelSpec.fromConfig(config);
        Path tokenizer = options.tokenizer().orElse(configFile.toAbsolutePath().resolveSibling(TextTokenizer.FILE_NAME));
        if (!Files.isRegularFile(tokenizer)) {
            throw InvalidInputException.inFile(tokenizer, "no tokenizer: pass --tokenizer FILE (a Hugging Face "
                    + "tokenizer.json) or put tokenizer.json beside config.json");
        }
        TokenStream.Split data = TrainingData.load(options.data(), tokenizer, config, loop.seqLen(),
                loop.heldOutFraction());

        RunDirectory.Prepared run = RunDirectory.prepare(options.output(), loop.resume(), loop.force(),
                describe(options, configFile, tokenizer), MUST_MATCH);
        CheckpointStore checkpoints = new CheckpointStore(run.directory(), loop.keepCheckpoints());
        Optional<CheckpointStore.Loaded> resumed = run.resumeFrom().map(checkpoints::load);

        try (NDManager manager = Torch.newManager(device)) {
            ParameterStore weights = resumed.isPresent()
                    ? HfWeights.fromFloats(spec, resumed.get().weights(), manager.newSubManager(),
                            resumed.get().directory())
                    : WeightInit.randomize(spec, WeightInit.std(config), loop.seed(), manager.newSubManager());
            Transformer model = Transformer.build(spec, weights,
                    options.ternary() ? Transformer.Linears.TERNARY : Transformer.Linears.DENSE);
            TrainingLoop trainingLoop = new TrainingLoop(model, Objective.languageModeling(), data.train(),
                    data.heldOut(), loop, run.directory(), listener,
                    "train " + (options.ternary() ? "ternary " : "dense ") + configFile.getFileName());
            TrainingLoop.Result result = trainingLoop.run(resumed);
            if (result.interrupted()) {
                return TrainingReport.interrupted(result);
            }
            listener.exporting(run.directory());
            StudentExport.Written written = StudentExport.write(run.directory(), config, weights.arrays(),
                    auxiliaryFiles(configFile, tokenizer), options.ternary());
            return TrainingReport.completed(result, written.model(), written.masters());
        }
    }

    /**
     * The tokenizer used, plus the other files a model directory carries (tokenizer_config.json with its chat
     * template, chat_template.jinja, generation_config.json, ...) found beside config.json, so the exported model
     * chats and stops like one prepared by hand.
     */
    private static List<Path> auxiliaryFiles(Path configFile, Path tokenizer) {
        List<Path> files = new java.util.ArrayList<>(List.of(tokenizer));
        for (String name : ModelDirectory.AUXILIARY_FILES) {
            Path beside = configFile.toAbsolutePath().resolveSibling(name);
            if (!name.equals(TextTokenizer.FILE_NAME) && Files.isRegularFile(beside)) {
                files.add(beside);
            }
        }
        return files;
    }

    private static ObjectNode describe(TrainOptions o, Path configFile, Path tokenizer) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("command", "train");
        n.put("config", configFile.toAbsolutePath().normalize().toString());
        n.put("tokenizer", tokenizer.toAbsolutePath().normalize().toString());
        n.put("ternary", o.ternary());
        o.loop().describe(o.data(), n);
        return n;
    }
}

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
import dev.ternary.train.loss.Distillation;
import dev.ternary.train.model.ModelSpec;
import dev.ternary.train.model.ParameterStore;
import dev.ternary.train.model.Torch;
import dev.ternary.train.model.Transformer;
import dev.ternary.train.weights.HfWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Distils a full-precision teacher into a ternary (BitNet b1.58) student of the same architecture: the student
 * starts from the teacher's weights (or given fp32 masters), trains through BitLinear fake quantization with the
 * λ warm-up against {@code α·τ²·KL + (1−α)·CE}, and is exported as {@code ternary convert} writes models.
 * Plain ternarization of a pretrained model destroys it; this is what recovers it.
 */
public final class Distiller {
    private static final List<String> MUST_MATCH = List.of("command", "teacher", "student", "data", "seq_len",
            "batch", "grad_accum", "seed", "held_out");

    private Distiller() {}

    public static TrainingReport run(DistillOptions options, TrainingListener listener) throws IOException {
        var loop = options.loop();
        Device device = Torch.device(loop.device());
        Torch.threads(loop.threads());
        ModelDirectory teacherDir = ModelDirectory.open(options.teacher());
        HfConfig teacherConfig = teacherDir.config();
        if (teacherConfig.quantizationConfig().isPresent()) {
            throw InvalidInputException.inFile(teacherDir.configFile(), "is a quantized model; the teacher must be "
                    + "the full-precision original");
        }
        ModelSpec teacherSpec = ModelSpec.fromConfig(teacherConfig);
        Optional<ModelDirectory> studentDir = options.student().map(ModelDirectory::open);
        HfConfig studentConfig = studentDir.map(ModelDirectory::config).orElse(teacherConfig);
        if (studentConfig.quantizationConfig().isPresent()) {
            throw InvalidInputException.inFile(studentDir.get().configFile(), "is a packed ternary model; start the"
                    + " student from fp32 masters (a run's masters/ directory) or from the teacher");
        }
        ModelSpec studentSpec = ModelSpec.fromConfig(studentConfig);
        if (studentSpec.vocabSize() != teacherSpec.vocabSize()) {
            throw InvalidInputException.inFile(studentDir.get().configFile(), "vocab_size " + studentSpec.vocabSize()
                    + " differs from the teacher's " + teacherSpec.vocabSize() + "; they must share a tokenizer");
        }
        Path tokenizer = teacherDir.root().resolve(TextTokenizer.FILE_NAME);
        TokenStream.Split data = TrainingData.load(options.data(), tokenizer, teacherConfig, loop.seqLen(),
                loop.heldOutFraction());

        RunDirectory.Prepared run = RunDirectory.prepare(options.output(), loop.resume(), loop.force(),
                describe(options), MUST_MATCH);
        CheckpointStore checkpoints = new CheckpointStore(run.directory(), loop.keepCheckpoints());
        Optional<CheckpointStore.Loaded> resumed = run.resumeFrom().map(checkpoints::load);

        try (NDManager manager = Torch.newManager(device)) {
            Transformer teacher = Transformer.build(teacherSpec,
                    HfWeights.load(teacherDir.root(), teacherConfig, teacherSpec, manager.newSubManager()),
                    Transformer.Linears.DENSE);
            ParameterStore studentWeights = resumed.isPresent()
                    ? HfWeights.fromFloats(studentSpec, resumed.get().weights(), manager.newSubManager(),
                            resumed.get().directory())
                    : HfWeights.load(studentDir.orElse(teacherDir).root(), studentConfig, studentSpec,
                            manager.newSubManager());
            Transformer student = Transformer.build(studentSpec, studentWeights, Transformer.Linears.TERNARY);
            TrainingLoop trainingLoop = new TrainingLoop(student, new Distillation(teacher, options.temperature(),
                    options.alphaKd()), data.train(), data.heldOut(), loop, run.directory(), listener,
                    "distill " + teacherDir.displayName());
            TrainingLoop.Result result = trainingLoop.run(resumed);
            if (result.interrupted()) {
                return TrainingReport.interrupted(result);
            }
            listener.exporting(run.directory());
            StudentExport.Written written = StudentExport.write(run.directory(), studentConfig,
                    studentWeights.arrays(), teacherDir.auxiliaryFiles(), true);
            return TrainingReport.completed(result, written.model(), written.masters());
        }
    }

    private static ObjectNode describe(DistillOptions o) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("command", "distill");
        n.put("teacher", o.teacher().toAbsolutePath().normalize().toString());
        n.put("student", o.student().map(p -> p.toAbsolutePath().normalize().toString()).orElse(null));
        n.put("warmup_quant_steps", o.loop().warmupQuantSteps());
        n.put("temperature", o.temperature());
        n.put("alpha_kd", o.alphaKd());
        o.loop().describe(o.data(), n);
        return n;
    }
}

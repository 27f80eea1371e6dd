package dev.ternary.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.ConvertListener;
import dev.ternary.convert.ConvertOptions;
import dev.ternary.convert.Converter;
import dev.ternary.train.eval.HeldOutEvaluator;
import dev.ternary.train.eval.Perplexity;
import dev.ternary.train.loop.LoopOptions;
import dev.ternary.train.loop.TrainingListener;
import dev.ternary.train.loop.TrainingReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claim that makes {@code ternary distill} worth having, on real text and in minutes on 2 cores: train a tiny
 * dense byte-level Llama, convert it to ternary (plain absmean ternarization), distil the ternary student from the
 * dense teacher, and compare held-out perplexities. The converted-only student must be clearly worse than the
 * distilled one (distilled ≤ 0.6 × converted). The numbers are written to {@code target/distillation-proof.txt}
 * for docs/RESULTS.md.
 */
class DistillationProofTest {
    static final int SEQ_LEN = 128;
    static final double HELD_OUT = 0.05;
    static final int EVAL_SEQUENCES = 128;
    /** One PyTorch thread: robust on a shared 2-core machine (see Torch.threads). */
    static final int THREADS = 1;

    @TempDir
    Path tmp;

    @Test
    void distillationRecoversWhatConversionDestroys() throws Exception {
        Path data = SotuCorpus.speeches("180", "181", "182", "183", "184");
        Path config = TinyModels.write(tmp.resolve("config"), 128, 2, 4, 2, 352);

        LoopOptions teacherLoop = LoopOptions.builder().steps(Long.getLong("proof.teacherSteps", 400)).batch(16)
                .seqLen(SEQ_LEN).learningRate(3e-3).evalEvery(0).checkpointEvery(0).evalSequences(EVAL_SEQUENCES)
                .heldOutFraction(HELD_OUT).threads(THREADS).seed(11).build();
        TrainingReport teacher = Trainer.run(new TrainOptions(config, Optional.empty(), data, tmp.resolve("teacher"),
                false, teacherLoop), TrainingListener.SILENT);
        Path teacherModel = teacher.model().orElseThrow();

        Path converted = tmp.resolve("converted");
        Converter.convert(teacherModel, converted, ConvertOptions.defaults(), ConvertListener.SILENT);

        LoopOptions distillLoop = LoopOptions.builder().steps(Long.getLong("proof.distillSteps", 120)).batch(16)
                .seqLen(SEQ_LEN).learningRate(Double.parseDouble(System.getProperty("proof.lr", "1e-3")))
                .warmupQuantSteps(Long.getLong("proof.warmupQuant", 30)).evalEvery(0).checkpointEvery(0)
                .evalSequences(EVAL_SEQUENCES).heldOutFraction(HELD_OUT).threads(THREADS).seed(12).build();
        TrainingReport distilled = Distiller.run(new DistillOptions(teacherModel, Optional.empty(), data,
                tmp.resolve("distilled"), DistillOptions.DEFAULT_TEMPERATURE, DistillOptions.DEFAULT_ALPHA,
                distillLoop), TrainingListener.SILENT);

        double pTeacher = perplexity(teacherModel, data);
        double pConverted = perplexity(converted, data);
        double pDistilled = perplexity(distilled.model().orElseThrow(), data);
        String summary = String.format(Locale.ROOT,
                "teacher %.3f, converted-only %.3f, distilled %.3f (ratio %.3f); teacher %d steps at %.0f tok/s,"
                        + " distillation %d steps at %.0f tok/s%n", pTeacher, pConverted, pDistilled,
                pDistilled / pConverted, teacher.stepsCompleted(), teacher.tokensPerSecond(),
                distilled.stepsCompleted(), distilled.tokensPerSecond());
        Files.writeString(Path.of("target", "distillation-proof.txt"), summary);
        System.out.print(summary);

        assertTrue(pTeacher < pConverted, "conversion should hurt: " + summary);
        assertTrue(pDistilled <= 0.6 * pConverted, "distillation must recover: " + summary);
    }

    private static double perplexity(Path model, Path data) {
        HeldOutEvaluator.Result r = Perplexity.heldOut(model, data, SEQ_LEN, HELD_OUT, EVAL_SEQUENCES);
        return r.perplexity();
    }
}

package dev.ternary.train;

import dev.ternary.convert.model.Architecture;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.synthetic.ModelShape;
import dev.ternary.convert.synthetic.SyntheticCheckpoint;
import dev.ternary.convert.tokenizer.ByteLevelTokenizerJson;
import dev.ternary.train.loop.LoopOptions;
import dev.ternary.train.loop.TrainingListener;
import dev.ternary.train.loop.TrainingReport;
import dev.ternary.train.metrics.StepMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Throughput and memory of distillation on this machine, for docs/RESULTS.md (not a test: timings are not
 * asserted). {@code DIR DATA SHAPE STEPS BATCH SEQ_LEN THREADS}; SHAPE is {@code tiny} (the proof test's model)
 * or {@code 100m} (a ~100M-parameter Llama: hidden 768, 12 layers, 12 heads, 4 kv heads, MLP 2048, vocab 32000,
 * tied embeddings). Prints tokens/s after the first steps and the resident set at a few points.
 */
public final class DistillBenchmarkMain {
    private DistillBenchmarkMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path data = Path.of(args[1]);
        String shapeName = args[2];
        long steps = Long.parseLong(args[3]);
        int batch = Integer.parseInt(args[4]);
        int seqLen = Integer.parseInt(args[5]);
        int threads = Integer.parseInt(args[6]);
        Path teacher = dir.resolve("teacher-" + shapeName);
        if (!Files.exists(teacher.resolve("config.json"))) {
            ModelShape shape = shapeName.equals("100m")
                    ? new ModelShape(Architecture.LLAMA, 32000, 768, 12, 12, 4, 2048, true, 2048, 10000.0)
                    : new ModelShape(Architecture.LLAMA, 256, 128, 2, 4, 2, 352, false, 1024, 10000.0);
            SyntheticCheckpoint.write(teacher, shape, DType.BF16, 1, 0);
            ByteLevelTokenizerJson.write(teacher.resolve("tokenizer.json"), List.of());
        }
        long[] rssAt = {0, 0, 0};
        long warm = Math.min(3, steps / 10);
        long[] warmTokens = {0};
        double[] warmSeconds = {0};
        TrainingListener listener = new TrainingListener() {
            @Override
            public void stepDone(StepMetrics m) {
                if (m.step() > warm) {
                    warmTokens[0] += (long) batch * seqLen;
                    warmSeconds[0] += (double) batch * seqLen / m.tokensPerSecond();
                }
                if (m.step() == Math.max(1, steps / 10)) {
                    rssAt[0] = rssKb();
                } else if (m.step() == steps / 2) {
                    rssAt[1] = rssKb();
                } else if (m.step() == steps) {
                    rssAt[2] = rssKb();
                }
                if (m.step() % Math.max(1, steps / 10) == 0) {
                    System.out.printf(Locale.ROOT, "step %d loss %.3f %.0f tok/s rss %d MB%n", m.step(), m.loss(),
                            m.tokensPerSecond(), rssKb() / 1024);
                }
            }
        };
        TrainingReport r = Distiller.run(new DistillOptions(teacher, Optional.empty(), data,
                dir.resolve("run-" + shapeName), 1.0, 0.9, LoopOptions.builder().steps(steps).batch(batch)
                        .seqLen(seqLen).learningRate(1e-4).warmupQuantSteps(steps / 10).evalEvery(0).evalSequences(4)
                        .checkpointEvery(0).threads(threads).force(true).build()), listener);
        System.out.printf(Locale.ROOT, "RESULT shape=%s threads=%d batch=%d seq=%d steps=%d "
                        + "tok/s(after %d warm-up steps)=%.0f rss(MB) at 10%%/50%%/100%% = %d/%d/%d peak %d%n",
                shapeName, threads, batch, seqLen, r.stepsCompleted(), warm,
                warmTokens[0] / warmSeconds[0], rssAt[0] / 1024, rssAt[1] / 1024, rssAt[2] / 1024, peakKb() / 1024);
    }

    private static long rssKb() {
        return status("VmRSS:");
    }

    private static long peakKb() {
        return status("VmHWM:");
    }

    private static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}

package dev.ternary.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.train.checkpoint.CheckpointStore;
import dev.ternary.train.loop.LoopOptions;
import dev.ternary.train.loop.TrainingListener;
import dev.ternary.train.loop.TrainingReport;
import dev.ternary.train.metrics.MetricsLog;
import dev.ternary.train.metrics.StepMetrics;
import dev.ternary.train.weights.Float32Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stopping (Ctrl-C), crashing and resuming must be invisible in the result: a resumed run reproduces the loss
 * sequence and final weights of an uninterrupted one, and a crash loses only the steps after the last checkpoint.
 */
class ResumeTest {
    static final long STEPS = 12;

    @TempDir
    Path tmp;
    Path config;
    Path data;

    @BeforeEach
    void setUp() throws Exception {
        config = TinyModels.write(tmp.resolve("config"), 32, 1, 2, 1, 64);
        data = SyntheticText.write(tmp.resolve("data"), 6, 400, 1);
    }

    LoopOptions.Builder loop() {
        // λ warms up across the interruption points, so a resume that lost the step count would show.
        return LoopOptions.builder().steps(STEPS).batch(4).seqLen(32).learningRate(3e-3).warmupQuantSteps(6)
                .evalEvery(4).evalSequences(4).checkpointEvery(4).threads(1).seed(5);
    }

    TrainingReport train(Path out, LoopOptions options, TrainingListener listener) throws Exception {
        return train(out, options, listener, true);
    }

    TrainingReport train(Path out, LoopOptions options, TrainingListener listener, boolean ternary)
            throws Exception {
        return Trainer.run(new TrainOptions(config, Optional.empty(), data, out, ternary, options), listener);
    }

    static TrainingListener stopAfter(long step) {
        AtomicLong done = new AtomicLong();
        return new TrainingListener() {
            @Override
            public void stepDone(StepMetrics m) {
                done.set(m.step());
            }

            @Override
            public boolean stopRequested() {
                return done.get() >= step;
            }
        };
    }

    /**
     * Dense and ternary alike, the resumed run reproduces the uninterrupted one bit for bit: weights, optimizer
     * state, data position, λ and learning rate are all restored, and PyTorch on one CPU thread is deterministic.
     * (Ternary rounding is discontinuous, so any state that came back even slightly wrong would show here.)
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void stoppedAndResumedRunMatchesAnUninterruptedOne(boolean ternary) throws Exception {
        TrainingReport reference = train(tmp.resolve("a"), loop().build(), TrainingListener.SILENT, ternary);

        Path out = tmp.resolve("b");
        TrainingReport stopped = train(out, loop().build(), stopAfter(5), ternary);
        assertTrue(stopped.interrupted());
        assertEquals(5, stopped.stepsCompleted());
        assertEquals(out.resolve("checkpoints/step-00000005"), stopped.checkpoint().orElseThrow(),
                "a stop writes a checkpoint at the step it stopped");
        assertTrue(stopped.model().isEmpty());

        AtomicLong firstStep = new AtomicLong(-1);
        TrainingReport resumed = train(out, loop().resume(true).build(), new TrainingListener() {
            @Override
            public void started(long first, long total, long tokensPerStep) {
                firstStep.set(first);
            }
        }, ternary);
        assertEquals(5, firstStep.get());
        assertFalse(resumed.interrupted());
        assertSameRun(tmp.resolve("a"), out);
        assertSameWeights(reference.masters().orElseThrow(), resumed.masters().orElseThrow());
        assertTrue(Files.isRegularFile(out.resolve("model/model.safetensors")), "the model is exported");
        assertTrue(Files.size(out.resolve("loss.png")) > 1000, "the loss plot is drawn");
    }

    @Test
    void stoppedAndResumedDistillationMatchesAnUninterruptedOne() throws Exception {
        Path teacher = train(tmp.resolve("teacher"), loop().steps(4).build(), TrainingListener.SILENT, false).model()
                .orElseThrow();
        TrainingReport reference = distill(teacher, tmp.resolve("a"), loop().build(), TrainingListener.SILENT);

        Path out = tmp.resolve("b");
        assertTrue(distill(teacher, out, loop().build(), stopAfter(5)).interrupted());
        TrainingReport resumed = distill(teacher, out, loop().resume(true).build(), TrainingListener.SILENT);
        assertFalse(resumed.interrupted());
        assertSameRun(tmp.resolve("a"), out);
        assertSameWeights(reference.masters().orElseThrow(), resumed.masters().orElseThrow());
    }

    TrainingReport distill(Path teacher, Path out, LoopOptions options, TrainingListener listener) throws Exception {
        return Distiller.run(new DistillOptions(teacher, Optional.empty(), data, out, 2.0, 0.5, options), listener);
    }

    @Test
    void crashLosesOnlyTheStepsSinceTheLastCheckpoint() throws Exception {
        train(tmp.resolve("a"), loop().build(), TrainingListener.SILENT, false);

        Path out = tmp.resolve("b");
        IllegalStateException crash = assertThrows(IllegalStateException.class,
                () -> train(out, loop().build(), new TrainingListener() {
                    @Override
                    public void stepDone(StepMetrics m) {
                        if (m.step() == 7) {
                            throw new IllegalStateException("simulated crash");
                        }
                    }
                }, false));
        assertEquals("simulated crash", crash.getMessage());
        assertEquals(Optional.of(out.resolve("checkpoints/step-00000004")), new CheckpointStore(out, 1).latest());
        assertEquals(7, MetricsLog.read(out).steps().size(), "steps 5-7 were logged, then lost");

        train(out, loop().resume(true).build(), TrainingListener.SILENT, false);
        assertSameRun(tmp.resolve("a"), out);
    }

    @Test
    void resumeRefusesADifferentRunAndOutputsAreNeverSilentlyReplaced() throws Exception {
        Path out = tmp.resolve("b");
        train(out, loop().build(), stopAfter(4));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> train(out, loop().seqLen(16).resume(true).build(), TrainingListener.SILENT));
        assertTrue(e.getMessage().contains("was started with seq_len = 32, not 16"), e.getMessage());

        e = assertThrows(InvalidInputException.class, () -> train(out, loop().build(), TrainingListener.SILENT));
        assertTrue(e.getMessage().endsWith("already exists; pass --resume to continue its training or --force to"
                + " start over"), e.getMessage());

        Path notARun = Files.createDirectories(tmp.resolve("precious"));
        Files.writeString(notARun.resolve("thesis.txt"), "keep me");
        e = assertThrows(InvalidInputException.class,
                () -> train(notARun, loop().force(true).build(), TrainingListener.SILENT));
        assertTrue(e.getMessage().contains("is not a training run"), e.getMessage());
        assertTrue(Files.exists(notARun.resolve("thesis.txt")));

        e = assertThrows(InvalidInputException.class,
                () -> train(tmp.resolve("nothing"), loop().resume(true).build(), TrainingListener.SILENT));
        assertTrue(e.getMessage().contains("nothing to resume"), e.getMessage());
    }

    static void assertSameRun(Path expectedRun, Path actualRun) throws Exception {
        List<StepMetrics> expected = MetricsLog.read(expectedRun).steps();
        List<StepMetrics> actual = MetricsLog.read(actualRun).steps();
        assertEquals(expected.size(), actual.size(), "one metrics line per step, no duplicates after resume");
        for (int i = 0; i < expected.size(); i++) {
            StepMetrics x = expected.get(i);
            StepMetrics y = actual.get(i);
            assertEquals(x.step(), y.step());
            assertEquals(x.loss(), y.loss(), 0, "loss at step " + x.step());
            assertEquals(x.lambda(), y.lambda(), 0, "λ at step " + x.step());
            assertEquals(x.learningRate(), y.learningRate(), 0, "lr at step " + x.step());
        }
        assertEquals(MetricsLog.read(expectedRun).evals().size(),
                MetricsLog.read(actualRun).evals().size());
    }

    static void assertSameWeights(Path expected, Path actual) {
        Map<String, float[]> a = Float32Tensors.read(expected.resolve("model.safetensors"));
        Map<String, float[]> b = Float32Tensors.read(actual.resolve("model.safetensors"));
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name), b.get(name), name);
        }
    }
}

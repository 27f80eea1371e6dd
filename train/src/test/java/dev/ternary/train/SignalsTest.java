package dev.ternary.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.train.checkpoint.CheckpointStore;
import dev.ternary.train.loop.LoopOptions;
import dev.ternary.train.loop.TrainingListener;
import dev.ternary.train.metrics.MetricsLog;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real signals to a training JVM: Ctrl-C checkpoints where it stands; SIGKILL loses only post-checkpoint work. */
class SignalsTest {
    @TempDir
    Path tmp;
    Path config;
    Path data;

    @BeforeEach
    void setUp() throws Exception {
        config = TinyModels.write(tmp.resolve("config"), 32, 1, 2, 1, 64);
        data = SyntheticText.write(tmp.resolve("data"), 6, 400, 1);
    }

    private Process start(Path out, long checkpointEvery) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true", "-cp", classpath,
                TrainProcessMain.class.getName(), config.toString(), data.toString(), out.toString(), "100000",
                Long.toString(checkpointEvery)));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Reads the child's output until a line matches; returns every line read. */
    private static List<String> readUntil(Process p, Predicate<String> stop) throws Exception {
        List<String> lines = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line;
        while ((line = r.readLine()) != null) {
            lines.add(line);
            if (stop.test(line)) {
                return lines;
            }
        }
        throw new AssertionError("child exited before the expected output: " + lines);
    }

    @Test
    void ctrlCWritesACheckpointAtTheCurrentStepAndExits() throws Exception {
        Path out = tmp.resolve("run");
        Process p = start(out, 0);
        try {
            readUntil(p, "step 3"::equals);
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            List<String> rest = readUntil(p, l -> l.startsWith("interrupted "));
            long stoppedAt = Long.parseLong(rest.getLast().substring("interrupted ".length()));
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM exits after checkpointing");
            assertTrue(stoppedAt >= 3);
            assertTrue(rest.contains("checkpoint " + stoppedAt), rest.toString());
            assertEquals(Optional.of(out.resolve(String.format("checkpoints/step-%08d", stoppedAt))),
                    new CheckpointStore(out, 1).latest());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void sigkillLosesOnlyTheStepsSinceTheLastCheckpoint() throws Exception {
        Path out = tmp.resolve("run");
        Process p = start(out, 3);
        List<String> lines;
        try {
            lines = readUntil(p, "step 8"::equals);
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        long checkpointed = new CheckpointStore(out, 1).latest()
                .map(d -> Long.parseLong(d.getFileName().toString().substring(5))).orElseThrow();
        // "step 8" is printed after checkpoint 6 landed; the child may have got further before the kill took.
        assertTrue(checkpointed >= 6 && checkpointed % 3 == 0, "latest checkpoint " + checkpointed + " after "
                + lines);

        AtomicLong resumedAt = new AtomicLong(-1);
        Trainer.run(new TrainOptions(config, Optional.empty(), data, out, true, LoopOptions.builder().steps(100000)
                .batch(4).seqLen(32).learningRate(1e-3).evalEvery(0).evalSequences(2).checkpointEvery(3).threads(1)
                .seed(3).resume(true).build()), new TrainingListener() {
                    @Override
                    public void started(long firstStep, long totalSteps, long tokensPerStep) {
                        resumedAt.set(firstStep);
                    }

                    @Override
                    public boolean stopRequested() {
                        return true;
                    }
                });
        assertEquals(checkpointed, resumedAt.get(), "the resumed run starts at the last complete checkpoint");
        assertEquals(checkpointed, MetricsLog.read(out).steps().size(),
                "metrics of the lost steps are dropped, so the log reads as one run");
    }
}

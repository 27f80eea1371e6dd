package dev.ternary.train;

import dev.ternary.train.loop.GracefulStop;
import dev.ternary.train.loop.LoopOptions;
import dev.ternary.train.loop.TrainingListener;
import dev.ternary.train.loop.TrainingReport;
import dev.ternary.train.metrics.StepMetrics;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A training run in its own JVM, for tests that send it real signals: {@code CONFIG_DIR DATA OUT STEPS
 * CHECKPOINT_EVERY}. Prints {@code step N} and {@code checkpoint N} as they happen, and {@code interrupted N}
 * when a signal stopped it.
 */
public final class TrainProcessMain {
    private TrainProcessMain() {}

    public static void main(String[] args) throws Exception {
        try (GracefulStop stop = GracefulStop.install(60)) {
            TrainingReport r = Trainer.run(new TrainOptions(Path.of(args[0]), Optional.empty(), Path.of(args[1]),
                    Path.of(args[2]), true, LoopOptions.builder().steps(Long.parseLong(args[3])).batch(4).seqLen(32)
                            .learningRate(1e-3).evalEvery(0).evalSequences(2)
                            .checkpointEvery(Long.parseLong(args[4])).threads(1).seed(3).build()),
                    new TrainingListener() {
                        @Override
                        public void stepDone(StepMetrics m) {
                            System.out.println("step " + m.step());
                        }

                        @Override
                        public void checkpointed(long step, Path directory) {
                            System.out.println("checkpoint " + step);
                        }

                        @Override
                        public boolean stopRequested() {
                            return stop.requested();
                        }
                    });
            System.out.println((r.interrupted() ? "interrupted " : "finished ") + r.stepsCompleted());
        }
    }
}

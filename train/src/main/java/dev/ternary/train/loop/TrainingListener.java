package dev.ternary.train.loop;

import dev.ternary.train.metrics.EvalMetrics;
import dev.ternary.train.metrics.StepMetrics;
import java.nio.file.Path;

/** Progress of a training run, called on the training thread; also how a caller asks the run to stop. */
public interface TrainingListener {
    TrainingListener SILENT = new TrainingListener() {};

    /** Before the first step: where the run starts (non-zero when resumed) and how many steps it aims for. */
    default void started(long firstStep, long totalSteps, long tokensPerStep) {}

    default void stepDone(StepMetrics metrics) {}

    default void evaluated(EvalMetrics metrics) {}

    default void checkpointed(long step, Path directory) {}

    /** Writing the final model (masters, conversion). */
    default void exporting(Path output) {}

    /** Polled before every step; true makes the run write a checkpoint and return early. */
    default boolean stopRequested() {
        return false;
    }
}

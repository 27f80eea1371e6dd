package dev.ternary.train.loop;

import dev.ternary.train.metrics.EvalMetrics;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a run ended.
 *
 * @param stepsCompleted  optimizer steps done in total
 * @param interrupted     stopped on request before the last step (resume with {@code --resume})
 * @param lastEval        the last held-out evaluation
 * @param model           the exported model (absent when interrupted)
 * @param masters         fp32 masters to continue from (for dense runs the same as {@code model})
 * @param checkpoint      the last checkpoint written
 * @param tokensPerSecond mean training throughput of this session
 */
public record TrainingReport(long stepsCompleted, boolean interrupted, Optional<EvalMetrics> lastEval,
        Optional<Path> model, Optional<Path> masters, Optional<Path> checkpoint, long tokensSeen,
        double tokensPerSecond) {

    /** A run stopped on request before its last step: nothing exported, resume from {@code result.checkpoint()}. */
    public static TrainingReport interrupted(TrainingLoop.Result result) {
        return new TrainingReport(result.steps(), true, result.lastEval(), Optional.empty(), Optional.empty(),
                result.checkpoint(), result.tokensSeen(), result.sessionTokensPerSecond());
    }

    /** A run that finished and exported {@code model} (and its fp32 {@code masters}). */
    public static TrainingReport completed(TrainingLoop.Result result, Path model, Path masters) {
        return new TrainingReport(result.steps(), false, result.lastEval(), Optional.of(model),
                Optional.of(masters), result.checkpoint(), result.tokensSeen(), result.sessionTokensPerSecond());
    }
}

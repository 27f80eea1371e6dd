package dev.ternary.train;

import dev.ternary.train.loop.LoopOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code ternary distill}: a full-precision teacher, the text to distill on, and where the run goes.
 *
 * @param teacher     Hugging Face model directory of the dense teacher (frozen)
 * @param student     fp32 masters to start the student from (a previous run's {@code masters/}); default: the
 *                    teacher's own weights, which is what plain conversion would ternarize
 * @param data        a text or JSONL file, or a directory of them
 * @param output      the run directory
 * @param temperature KD softmax temperature τ
 * @param alphaKd     weight α of the distillation term; {@code 1 − α} weights the hard-label cross-entropy
 */
public record DistillOptions(Path teacher, Optional<Path> student, Path data, Path output, double temperature,
        double alphaKd, LoopOptions loop) {
    public static final double DEFAULT_TEMPERATURE = 1.0;
    public static final double DEFAULT_ALPHA = 0.9;
}

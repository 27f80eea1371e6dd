package dev.ternary.train.metrics;

/**
 * One optimizer step.
 *
 * @param step          1-based number of the step just completed
 * @param loss          the objective (mean over the step's micro-batches)
 * @param crossEntropy  hard-label cross-entropy part
 * @param distillation  KL part (0 without a teacher)
 * @param learningRate  rate used for this step
 * @param lambda        quantization warm-up λ used (1 for dense models: nothing to warm up)
 * @param gradientNorm  global gradient norm before clipping
 * @param tokensPerSecond training tokens of this step over its wall time
 * @param elapsedSeconds training time since the run began (across resumes)
 */
public record StepMetrics(long step, double loss, double crossEntropy, double distillation, double learningRate,
        double lambda, double gradientNorm, double tokensPerSecond, double elapsedSeconds) {}

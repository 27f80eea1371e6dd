package dev.ternary.train.loss;

import ai.djl.ndarray.NDArray;
import dev.ternary.train.model.Scopes;
import dev.ternary.train.model.Torch;

/**
 * Next-token losses over logits {@code [batch, T, vocab]}, averaged over tokens.
 *
 * <p>Distillation follows Hinton et al. 2015 ("Distilling the Knowledge in a Neural Network"): both distributions
 * are softened by the temperature {@code τ}, and the KL term is multiplied by {@code τ²} so its gradients keep the
 * same magnitude as the hard-label cross-entropy whatever τ is.
 */
public final class Losses {
    private static final int VOCAB_AXIS = 2;

    private Losses() {}

    /** Mean {@code −log p(target)}. {@code targets [batch, T]} INT64. */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        return Scopes.keep(() -> logits.logSoftmax(VOCAB_AXIS).gather(targets.expandDims(VOCAB_AXIS), VOCAB_AXIS)
                .neg().mean());
    }

    /** Mean over tokens of {@code KL(softmax(teacher/τ) ‖ softmax(student/τ))}; {@code teacher} carries no gradient. */
    public static NDArray distillationKl(NDArray studentLogits, NDArray teacherLogits, float temperature) {
        return Scopes.keep(() -> {
            NDArray tau = Torch.scalar(studentLogits.getManager(), temperature);
            NDArray studentLogp = studentLogits.div(tau).logSoftmax(VOCAB_AXIS);
            NDArray teacherLogp = teacherLogits.stopGradient().div(tau).logSoftmax(VOCAB_AXIS);
            return teacherLogp.exp().mul(teacherLogp.sub(studentLogp)).sum(new int[] {VOCAB_AXIS}).mean();
        });
    }

    /** {@code α·τ²·KL + (1−α)·CE}. */
    public static LossParts distillation(NDArray studentLogits, NDArray teacherLogits, NDArray targets,
            float temperature, float alpha) {
        NDArray ce = crossEntropy(studentLogits, targets);
        NDArray kl = distillationKl(studentLogits, teacherLogits, temperature);
        NDArray total = kl.mul(Torch.scalar(kl.getManager(), alpha * temperature * temperature))
                .add(ce.mul(Torch.scalar(ce.getManager(), 1 - alpha)));
        return new LossParts(total, kl, ce);
    }
}

package dev.ternary.train.loss;

import ai.djl.ndarray.NDArray;
import dev.ternary.train.model.Torch;
import dev.ternary.train.model.Transformer;
import dev.ternary.train.quant.QuantContext;

/**
 * Knowledge distillation from a frozen full-precision teacher: {@code α·τ²·KL(teacher ‖ student) + (1−α)·CE}.
 * The teacher runs with grad mode off, so none of its activations are kept for the backward pass and its
 * weights never receive gradients.
 */
public final class Distillation implements Objective {
    private final Transformer teacher;
    private final float temperature;
    private final float alpha;

    public Distillation(Transformer teacher, double temperature, double alpha) {
        if (!(temperature > 0)) {
            throw new dev.ternary.convert.InvalidInputException("--temperature must be positive, got " + temperature);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new dev.ternary.convert.InvalidInputException("--alpha-kd must be in [0, 1], got " + alpha);
        }
        this.teacher = teacher;
        this.temperature = (float) temperature;
        this.alpha = (float) alpha;
    }

    @Override
    public LossParts loss(Transformer student, NDArray inputs, NDArray targets, QuantContext quant) {
        NDArray teacherLogits;
        Torch.gradMode(false);
        try {
            teacherLogits = teacher.logits(inputs, QuantContext.DEPLOYED);
        } finally {
            Torch.gradMode(quant.training());
        }
        return Losses.distillation(student.logits(inputs, quant), teacherLogits, targets, temperature, alpha);
    }
}

package dev.ternary.train.loss;

import ai.djl.ndarray.NDArray;
import dev.ternary.train.model.Transformer;
import dev.ternary.train.quant.QuantContext;

/** What a training step minimises for a batch of inputs {@code [batch, T]} and next-token targets {@code [batch, T]}. */
public interface Objective {
    LossParts loss(Transformer student, NDArray inputs, NDArray targets, QuantContext quant);

    /** Plain next-token cross-entropy: training from scratch. */
    static Objective languageModeling() {
        return (student, inputs, targets, quant) -> {
            NDArray ce = Losses.crossEntropy(student.logits(inputs, quant), targets);
            return new LossParts(ce, ce.zerosLike(), ce);
        };
    }
}

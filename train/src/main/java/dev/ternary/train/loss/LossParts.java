package dev.ternary.train.loss;

import ai.djl.ndarray.NDArray;

/**
 * A training loss and its parts (scalars): {@code total} is what is differentiated; {@code distillation} (the
 * temperature-scaled KL term, zero without a teacher) and {@code crossEntropy} are reported.
 */
public record LossParts(NDArray total, NDArray distillation, NDArray crossEntropy) {}

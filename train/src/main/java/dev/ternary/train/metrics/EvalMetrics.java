package dev.ternary.train.metrics;

/**
 * A held-out evaluation: mean cross-entropy (nats per token) and perplexity {@code exp(loss)}, computed as the
 * exported model computes (ternary students fully quantized, λ = 1).
 */
public record EvalMetrics(long step, double loss, double perplexity, long tokens) {}

package dev.ternary.infer.perplexity;

/** {@code perplexity = exp(mean negative log-likelihood)} over {@code tokens} scored tokens. */
public record PerplexityResult(double perplexity, long tokens, double meanNll, double seconds) {}

package dev.ternary.infer.sampling;

import dev.ternary.convert.InvalidInputException;

/**
 * How the next token is chosen. {@code temperature == 0} is greedy (argmax); otherwise the distribution is
 * shaped by repetition penalty, temperature, then truncated by top-k, top-p (nucleus) and min-p, in that order
 * (the order Hugging Face's logits processors apply them).
 *
 * @param topK              keep the k most likely tokens; 0 disables
 * @param topP              keep the smallest set whose probability reaches p; 1 disables
 * @param minP              drop tokens below minP × the top probability; 0 disables
 * @param repetitionPenalty CTRL-style penalty on tokens already seen (logit / p if positive, × p if negative); 1 disables
 */
public record SamplingOptions(double temperature, int topK, double topP, double minP, double repetitionPenalty,
        long seed) {

    public SamplingOptions {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new InvalidInputException("--temperature must be a number ≥ 0, got " + temperature);
        }
        if (topK < 0) {
            throw new InvalidInputException("--top-k must be ≥ 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new InvalidInputException("--top-p must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new InvalidInputException("--min-p must be in [0, 1), got " + minP);
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new InvalidInputException("--repetition-penalty must be > 0, got " + repetitionPenalty);
        }
    }

    public static SamplingOptions greedy() {
        return new SamplingOptions(0, 0, 1, 0, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}

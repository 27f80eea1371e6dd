package dev.ternary.infer.perplexity;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.infer.model.Model;
import dev.ternary.infer.runtime.Transformer;
import dev.ternary.infer.sampling.Softmax;
import java.util.function.LongConsumer;

/**
 * Perplexity over a token stream cut into non-overlapping windows of {@code context} tokens. If the model has a
 * BOS token, each window is fed as {@code [BOS, w0 .. wC-1]} and all C tokens are scored; otherwise the window
 * is fed as is and tokens 1..C-1 are scored (the first has nothing to condition on). A shorter last window is
 * scored the same way.
 */
public final class PerplexityEvaluator {
    private PerplexityEvaluator() {}

    /**
     * @param progress receives the number of tokens scored so far after each window
     */
    public static PerplexityResult evaluate(Model model, int[] tokens, int context, LongConsumer progress) {
        if (context < 2) {
            throw new InvalidInputException("--context must be at least 2 tokens, got " + context);
        }
        int bos = model.config().bosTokenId();
        boolean prefixBos = bos >= 0;
        int needed = context + (prefixBos ? 1 : 0);
        if (needed > model.contextLength()) {
            throw new InvalidInputException("--context " + context + " needs " + needed
                    + " positions but the model is loaded with " + model.contextLength());
        }
        if (tokens.length < 2) {
            throw new InvalidInputException("the data has " + tokens.length + " tokens; need at least 2");
        }
        Transformer transformer = model.newTransformer();
        int vocab = model.config().vocabSize();
        int[] window = new int[needed];
        double nll = 0;
        long scored = 0;
        long start = System.nanoTime();
        for (int from = 0; from < tokens.length; from += context) {
            int length = Math.min(context, tokens.length - from);
            int fed = 0;
            if (prefixBos) {
                window[fed++] = bos;
            }
            System.arraycopy(tokens, from, window, fed, length);
            fed += length;
            if (fed < 2) {
                continue;
            }
            // logits at position p predict window[p + 1]
            for (int p = 0; p < fed - 1; p += transformer.maxBlock()) {
                int count = Math.min(transformer.maxBlock(), fed - 1 - p);
                float[] logits = transformer.forward(window, p, count, p, true);
                for (int t = 0; t < count; t++) {
                    nll -= logProbability(logits, t * vocab, vocab, window[p + t + 1]);
                    scored++;
                }
            }
            progress.accept(scored);
        }
        double mean = nll / scored;
        return new PerplexityResult(Math.exp(mean), scored, mean, (System.nanoTime() - start) / 1e9);
    }

    /** log softmax(logits)[target], stably: terms relative to the largest logit, summed in double. */
    static double logProbability(float[] logits, int offset, int vocab, int target) {
        float max = Softmax.max(logits, offset, vocab);
        double sum = Softmax.exponentials(logits, offset, vocab, max, 1f, null);
        return (double) logits[offset + target] - max - Math.log(sum);
    }
}

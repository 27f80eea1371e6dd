package dev.ternary.infer.generate;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.tokenizer.TextTokenizer;
import dev.ternary.infer.model.Model;
import dev.ternary.infer.runtime.Transformer;
import dev.ternary.infer.sampling.Sampler;
import dev.ternary.infer.sampling.SamplingOptions;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Streams tokens from a model. Keeps the KV cache between calls: a new prompt that extends the previous one
 * (the next turn of a chat) only prefills the new tokens.
 */
public final class Generator {
    private final Model model;
    private final Transformer transformer;
    private final Set<Integer> stopTokens;
    private int[] cached = new int[0];

    public Generator(Model model) {
        this(model, Set.of());
    }

    /** @param extraStopTokens ids that also end a reply (e.g. a chat template's end-of-turn token) */
    public Generator(Model model, Set<Integer> extraStopTokens) {
        this.model = model;
        this.transformer = model.newTransformer();
        this.stopTokens = java.util.stream.Stream.concat(model.config().eosTokenIds().stream(),
                extraStopTokens.stream()).collect(Collectors.toUnmodifiableSet());
    }

    public Model model() {
        return model;
    }

    /** Forgets the cached conversation. */
    public void reset() {
        cached = new int[0];
    }

    /**
     * Generates up to {@code maxNewTokens} after {@code prompt} (token ids), streaming text to {@code listener}.
     *
     * @throws InvalidInputException if the prompt does not fit in the context
     */
    public GenerationResult generate(int[] prompt, int maxNewTokens, SamplingOptions sampling,
            TokenListener listener) {
        int context = transformer.contextLength();
        if (prompt.length == 0) {
            throw new InvalidInputException("the prompt is empty");
        }
        if (prompt.length >= context) {
            throw new InvalidInputException("the prompt has " + prompt.length + " tokens but the context holds "
                    + context + "; shorten it or raise --context");
        }
        Sampler sampler = new Sampler(sampling, model.config().vocabSize());
        for (int t : prompt) {
            sampler.observe(t);
        }
        long start = System.nanoTime();
        int reuse = commonPrefix(cached, prompt);
        if (reuse == prompt.length) {
            reuse--; // recompute the last prompt token to get its logits
        }
        float[] logits = prefill(prompt, reuse);
        double prefillSeconds = (System.nanoTime() - start) / 1e9;

        TextTokenizer tokenizer = model.tokenizer();
        int[] generated = new int[Math.max(0, Math.min(maxNewTokens, context - prompt.length))];
        int n = 0;
        IncrementalDecoder pieces = new IncrementalDecoder(tokenizer);
        String stop = "length";
        long decodeStart = System.nanoTime();
        int position = prompt.length;
        while (n < generated.length) {
            int next = sampler.sample(logits, 0);
            if (stopTokens.contains(next)) {
                stop = "eos";
                break;
            }
            generated[n++] = next;
            sampler.observe(next);
            listener.onToken(next, pieces.add(next));
            if (n == generated.length) {
                break;
            }
            if (position >= context) {
                stop = "context";
                break;
            }
            logits = transformer.forward(generated, n - 1, 1, position++, false);
        }
        if (n == generated.length && generated.length < maxNewTokens) {
            stop = "context";
        }
        double decodeSeconds = (System.nanoTime() - decodeStart) / 1e9;
        int[] tokens = Arrays.copyOf(generated, n);
        // The cache now holds the prompt and every generated token but the last (never fed back).
        cached = concat(prompt, n > 1 ? Arrays.copyOf(tokens, n - 1) : new int[0]);
        String text = tokenizer.decode(tokens, true);
        return new GenerationResult(text, tokens, prompt.length - reuse, prefillSeconds, decodeSeconds, stop);
    }

    /** Runs the prompt from {@code from} in blocks; returns the last token's logits. */
    private float[] prefill(int[] prompt, int from) {
        float[] logits = null;
        int block = transformer.maxBlock();
        for (int p = from; p < prompt.length; p += block) {
            int count = Math.min(block, prompt.length - p);
            logits = transformer.forward(prompt, p, count, p, false);
        }
        cached = Arrays.copyOf(prompt, prompt.length);
        return logits;
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

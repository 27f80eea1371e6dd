package dev.ternary.infer.bench;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.infer.model.Model;
import dev.ternary.infer.runtime.Transformer;
import java.util.SplittableRandom;

/**
 * Measures prefill and decode speed the way a user experiences them: a prompt of P tokens in blocks, then G
 * single-token steps, after one untimed warm-up pass (the JIT compiles the Vector API kernels during it). Token
 * ids are random but fixed; weights are streamed exactly as in generation, so speed does not depend on them.
 */
public final class Benchmark {
    private Benchmark() {}

    public static BenchResult run(Model model, int promptTokens, int genTokens, int repetitions) {
        if (promptTokens < 1 || genTokens < 1 || repetitions < 1) {
            throw new InvalidInputException("--prompt-tokens, --gen-tokens and --repeat must be at least 1");
        }
        if (promptTokens + genTokens > model.contextLength()) {
            throw new InvalidInputException("--prompt-tokens + --gen-tokens = " + (promptTokens + genTokens)
                    + " exceeds the context length " + model.contextLength());
        }
        Transformer t = model.newTransformer();
        int[] tokens = new int[promptTokens + genTokens];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextInt(model.config().vocabSize());
        }
        pass(t, tokens, promptTokens, genTokens); // warm-up
        double bestPrefill = Double.MAX_VALUE;
        double bestDecode = Double.MAX_VALUE;
        for (int r = 0; r < repetitions; r++) {
            double[] seconds = pass(t, tokens, promptTokens, genTokens);
            bestPrefill = Math.min(bestPrefill, seconds[0]);
            bestDecode = Math.min(bestDecode, seconds[1]);
        }
        String weights = model.weights().layers().getFirst().q().format();
        return new BenchResult(model.name(), weights, model.options().threads(), promptTokens, genTokens,
                promptTokens / bestPrefill, genTokens / bestDecode, model.weightBytesPerToken());
    }

    /** Returns {prefill seconds, decode seconds}. */
    private static double[] pass(Transformer t, int[] tokens, int promptTokens, int genTokens) {
        long start = System.nanoTime();
        for (int p = 0; p < promptTokens; p += t.maxBlock()) {
            t.forward(tokens, p, Math.min(t.maxBlock(), promptTokens - p), p, false);
        }
        long prefilled = System.nanoTime();
        for (int i = 0; i < genTokens; i++) {
            t.forward(tokens, promptTokens + i, 1, promptTokens + i, false);
        }
        long decoded = System.nanoTime();
        return new double[] {(prefilled - start) / 1e9, (decoded - prefilled) / 1e9};
    }
}

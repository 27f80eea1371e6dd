package dev.ternary.train.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.ternary.train.data.PackedSequences;
import dev.ternary.train.data.TokenBatches;
import dev.ternary.train.loss.Losses;
import dev.ternary.train.model.Torch;
import dev.ternary.train.model.Transformer;
import dev.ternary.train.quant.QuantContext;

/** Mean next-token cross-entropy of a model over held-out sequences, without gradients. */
public final class HeldOutEvaluator {
    private HeldOutEvaluator() {}

    /** Loss in nats per token and the number of target tokens, over the first {@code maxSequences} sequences. */
    public record Result(double loss, long tokens) {
        public double perplexity() {
            return Math.exp(loss);
        }
    }

    public static Result evaluate(Transformer model, PackedSequences data, int maxSequences, int batch,
            QuantContext quant) {
        NDManager manager = model.parameters().manager();
        int n = Math.min(maxSequences, data.count());
        int width = data.seqLen() + 1;
        double sum = 0;
        long tokens = 0;
        Torch.gradMode(false);
        for (int start = 0; start < n; start += batch) {
            int b = Math.min(batch, n - start);
            int[] rows = new int[b * width];
            for (int i = 0; i < b; i++) {
                data.copy(start + i, rows, i * width);
            }
            try (NDScope ignored = new NDScope()) {
                NDArray[] io = TokenBatches.inputsAndTargets(manager, rows, b, data.seqLen());
                double ce = Losses.crossEntropy(model.logits(io[0], quant), io[1]).getFloat();
                sum += ce * b * data.seqLen();
                tokens += (long) b * data.seqLen();
            }
        }
        return new Result(sum / tokens, tokens);
    }
}

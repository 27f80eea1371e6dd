package dev.ternary.train.eval;

import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.model.ModelDirectory;
import dev.ternary.convert.tokenizer.TextTokenizer;
import dev.ternary.train.StudentModel;
import dev.ternary.train.data.TokenStream;
import dev.ternary.train.data.TrainingData;
import dev.ternary.train.quant.QuantContext;
import java.nio.file.Path;

/**
 * Held-out perplexity of a model directory (dense, or packed ternary as written by convert/distill) on the same
 * split training uses: the tail {@code heldOutFraction} of the data's sequences, so a teacher, its converted
 * copy and its distilled student are all measured on text none of them trained on.
 */
public final class Perplexity {
    private Perplexity() {}

    public static HeldOutEvaluator.Result heldOut(Path modelDir, Path data, int seqLen, double heldOutFraction,
            int maxSequences) {
        HfConfig config = ModelDirectory.open(modelDir).config();
        TokenStream.Split split = TrainingData.load(data, modelDir.resolve(TextTokenizer.FILE_NAME), config, seqLen,
                heldOutFraction);
        try (StudentModel model = StudentModel.load(modelDir)) {
            return HeldOutEvaluator.evaluate(model.transformer(), split.heldOut(), maxSequences, 8,
                    QuantContext.DEPLOYED);
        }
    }
}

package dev.ternary.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.OptionalInt;

/** Text → tokens with the model's tokenizer → packed sequences → training and held-out splits. */
public final class TrainingData {
    private TrainingData() {}

    public static TokenStream.Split load(Path data, Path tokenizerFile, HfConfig config, int seqLen,
            double heldOutFraction) {
        try (TextTokenizer tokenizer = TextTokenizer.load(tokenizerFile)) {
            TokenStream stream = TokenStream.tokenize(data, tokenizer, endOfSequence(config), config.vocabSize());
            return stream.split(seqLen, heldOutFraction);
        }
    }

    /** The config's {@code eos_token_id} (the first if a list), if it is a valid id. */
    public static OptionalInt endOfSequence(HfConfig config) {
        JsonNode n = config.json().get("eos_token_id");
        if (n != null && n.isArray() && !n.isEmpty()) {
            n = n.get(0);
        }
        if (n != null && n.canConvertToInt() && n.asInt() >= 0 && n.asInt() < config.vocabSize()) {
            return OptionalInt.of(n.asInt());
        }
        return OptionalInt.empty();
    }
}

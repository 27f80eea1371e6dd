package dev.ternary.convert.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.ternary.convert.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model's {@code tokenizer.json}, run by Hugging Face's own tokenizers library through DJL's binding, so
 * tokenization is exactly what transformers does (BPE merges, byte fallback, normalizers, special tokens).
 */
public final class TextTokenizer implements AutoCloseable {
    public static final String FILE_NAME = "tokenizer.json";

    private final Path source;
    private final HuggingFaceTokenizer tokenizer;

    private TextTokenizer(Path source, HuggingFaceTokenizer tokenizer) {
        this.source = source;
        this.tokenizer = tokenizer;
    }

    /** Loads {@code tokenizer.json} from a model directory or from the file itself. */
    public static TextTokenizer load(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(FILE_NAME) : dirOrFile;
        if (!Files.isRegularFile(file)) {
            throw InvalidInputException.inFile(file, "tokenizer not found; the model directory needs tokenizer.json");
        }
        try {
            // No truncation or padding: callers decide lengths. maxLength only silences DJL's warning about it.
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(file, Map.of(
                    "truncation", "false", "padding", "false", "maxLength", "1000000000",
                    "addSpecialTokens", "false"));
            return new TextTokenizer(file, t);
        } catch (IOException | RuntimeException e) {
            throw InvalidInputException.inFile(file, "cannot load tokenizer: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    public Path source() {
        return source;
    }

    /** Token ids of {@code text}; {@code addSpecialTokens} applies the tokenizer's post-processor (e.g. BOS). */
    public int[] encode(String text, boolean addSpecialTokens) {
        Encoding e = tokenizer.encode(text, addSpecialTokens, false);
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** Text of token ids; special tokens are dropped when {@code skipSpecialTokens}. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, skipSpecialTokens);
    }

    /** The id of a token string (e.g. {@code "<|eot_id|>"}), or -1 if the vocabulary has none. */
    public int tokenId(String token) {
        Encoding e = tokenizer.encode(token, false, false);
        long[] ids = e.getIds();
        return ids.length == 1 ? Math.toIntExact(ids[0]) : -1;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

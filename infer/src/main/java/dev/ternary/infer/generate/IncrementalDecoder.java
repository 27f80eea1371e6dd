package dev.ternary.infer.generate;

import dev.ternary.convert.tokenizer.TextTokenizer;
import java.util.Arrays;

/**
 * Turns a reply, one token at a time, into the pieces of text that each token completes, for streaming.
 *
 * <p>Text is only defined for a token sequence as a whole: a character may span several byte tokens, and some
 * decoders (SentencePiece's) drop the space of the first token decoded. So each step decodes a short window: the
 * tokens of the piece emitted last and those added since, and emits what the new tokens add to the text of the
 * former. Decoding the whole reply each step instead would cost time quadratic in its length. A step that ends
 * inside a character (the text ends with U+FFFD) emits nothing and waits for the next token.
 */
final class IncrementalDecoder {
    private static final String INCOMPLETE = "\uFFFD";

    private final TextTokenizer tokenizer;
    private int[] tokens = new int[64];
    private int count;
    /** First token of the window: the first token of the piece emitted last. */
    private int windowStart;
    /** Tokens before this one have been emitted. */
    private int emittedEnd;

    IncrementalDecoder(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds the next token; returns the text it completes, empty while a character or special token is pending. */
    String add(int token) {
        if (count == tokens.length) {
            tokens = Arrays.copyOf(tokens, count * 2);
        }
        tokens[count++] = token;
        String before = emittedEnd > windowStart ? decode(windowStart, emittedEnd) : "";
        String now = decode(windowStart, count);
        if (now.length() <= before.length() || now.endsWith(INCOMPLETE) || !now.startsWith(before)) {
            return "";
        }
        windowStart = emittedEnd;
        emittedEnd = count;
        return now.substring(before.length());
    }

    /** Tokens the next step will decode, besides the new one (for tests: stays small on ordinary text). */
    int windowLength() {
        return count - windowStart;
    }

    private String decode(int from, int to) {
        return tokenizer.decode(Arrays.copyOfRange(tokens, from, to), true);
    }
}

package dev.ternary.train.data;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * A corpus tokenized into one stream of ids: the documents in order, each followed by the end-of-sequence token
 * (when the model has one) so the model learns where documents end and does not read one into the next.
 */
public record TokenStream(int[] tokens) {
    public TokenStream {
        tokens = tokens.clone();
    }

    public static TokenStream tokenize(Path data, TextTokenizer tokenizer, OptionalInt eos, int vocabSize) {
        int[][] buffer = {new int[1 << 16]};
        int[] length = {0};
        TextCorpus.forEachDocument(data, doc -> {
            int[] ids = tokenizer.encode(doc, false);
            int needed = length[0] + ids.length + 1;
            if (needed > buffer[0].length) {
                buffer[0] = Arrays.copyOf(buffer[0], Math.max(needed, buffer[0].length * 2));
            }
            for (int id : ids) {
                if (id < 0 || id >= vocabSize) {
                    throw new InvalidInputException(tokenizer.source() + ": produced token id " + id
                            + ", outside the model's vocab_size " + vocabSize + "; tokenizer and config.json disagree");
                }
            }
            System.arraycopy(ids, 0, buffer[0], length[0], ids.length);
            length[0] += ids.length;
            if (eos.isPresent()) {
                buffer[0][length[0]++] = eos.getAsInt();
            }
        });
        return new TokenStream(Arrays.copyOf(buffer[0], length[0]));
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    public int length() {
        return tokens.length;
    }

    /**
     * Cuts the stream into sequences of {@code seqLen + 1} tokens (inputs plus shifted targets, consecutive
     * sequences sharing one boundary token so every token is a target once) and holds out the last
     * {@code heldOutFraction} of them, at least one. The held-out part is the tail of the stream in file order,
     * independent of any seed, so runs with different seeds (a teacher and its student) evaluate on the same text,
     * and none of it is ever trained on.
     */
    public Split split(int seqLen, double heldOutFraction) {
        if (seqLen < 1) {
            throw new InvalidInputException("--seq-len must be at least 1, got " + seqLen);
        }
        if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
            throw new InvalidInputException("held-out fraction must be in (0, 1), got " + heldOutFraction);
        }
        int count = (tokens.length - 1) / seqLen;
        int heldOut = Math.max(1, (int) Math.round(count * heldOutFraction));
        if (count - heldOut < 1) {
            throw new InvalidInputException("the data has only " + tokens.length + " tokens: too few for a training"
                    + " and a held-out sequence of --seq-len " + seqLen + " each");
        }
        int trainCount = count - heldOut;
        return new Split(new PackedSequences(tokens, 0, trainCount, seqLen),
                new PackedSequences(tokens, trainCount, heldOut, seqLen));
    }

    /** Training and held-out sequences. */
    public record Split(PackedSequences train, PackedSequences heldOut) {}
}

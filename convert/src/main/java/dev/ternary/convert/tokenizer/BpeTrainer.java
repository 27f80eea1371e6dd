package dev.ternary.convert.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Learns a byte-level BPE vocabulary from text, the way GPT-2 and Llama 3 vocabularies are made: text is split
 * into words with GPT-2's pattern (the split Hugging Face's {@code ByteLevel} pre-tokenizer applies with
 * {@code use_regex}), each word starts as its UTF-8 bytes, and the most frequent adjacent pair is merged until the
 * vocabulary is full. Ties go to the pair first seen, so training is deterministic. The result loads in any
 * Hugging Face tokenizers implementation through {@link ByteLevelTokenizerJson}.
 */
public final class BpeTrainer {
    /** GPT-2's word pattern, as in Hugging Face's ByteLevel pre-tokenizer. */
    static final Pattern WORDS = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
    private static final int BYTES = 256;

    private final Map<String, Integer> wordCounts = new HashMap<>();

    /** Adds a document's words to the counts. */
    public void add(String text) {
        Matcher m = WORDS.matcher(text);
        while (m.find()) {
            wordCounts.merge(m.group(), 1, Integer::sum);
        }
    }

    /**
     * Learns merges until the vocabulary (256 byte tokens + merges + specials) has {@code vocabSize} entries, or no
     * pair occurs twice.
     */
    public BpeVocabulary train(int vocabSize, List<String> specialTokens) {
        int mergesWanted = vocabSize - BYTES - specialTokens.size();
        if (mergesWanted < 0) {
            throw new IllegalArgumentException("vocabulary size " + vocabSize + " is below 256 bytes + "
                    + specialTokens.size() + " special tokens");
        }
        List<String> tokens = new ArrayList<>(vocabSize);
        for (int b = 0; b < BYTES; b++) {
            tokens.add(ByteLevelTokenizerJson.byteToUnicode(b));
        }
        List<int[]> words = new ArrayList<>(wordCounts.size());
        List<Integer> counts = new ArrayList<>(wordCounts.size());
        wordCounts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            byte[] utf8 = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] symbols = new int[utf8.length];
            for (int i = 0; i < utf8.length; i++) {
                symbols[i] = utf8[i] & 0xFF;
            }
            words.add(symbols);
            counts.add(e.getValue());
        });
        PairCounts pairs = new PairCounts();
        for (int w = 0; w < words.size(); w++) {
            pairs.addWord(words.get(w), counts.get(w), w);
        }
        List<BpeVocabulary.Merge> merges = new ArrayList<>(mergesWanted);
        while (merges.size() < mergesWanted) {
            long best = pairs.mostFrequent();
            if (best == PairCounts.NONE) {
                break;
            }
            int left = (int) (best >>> 32);
            int right = (int) best;
            int merged = tokens.size();
            tokens.add(tokens.get(left) + tokens.get(right));
            merges.add(new BpeVocabulary.Merge(tokens.get(left), tokens.get(right)));
            for (int w : pairs.wordsWith(best)) {
                int[] before = words.get(w);
                int[] after = merge(before, left, right, merged);
                if (after != before) {
                    pairs.addWord(before, -counts.get(w), -1);
                    pairs.addWord(after, counts.get(w), w);
                    words.set(w, after);
                }
            }
            pairs.forget(best);
        }
        return new BpeVocabulary(tokens, merges, specialTokens);
    }

    /** {@code word} with every left-to-right occurrence of (left, right) replaced by {@code merged}. */
    static int[] merge(int[] word, int left, int right, int merged) {
        int n = 0;
        int[] out = null;
        for (int i = 0; i < word.length; i++) {
            if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                if (out == null) {
                    out = new int[word.length - 1];
                    System.arraycopy(word, 0, out, 0, i);
                    n = i;
                }
                out[n++] = merged;
                i++;
            } else if (out != null) {
                out[n++] = word[i];
            }
        }
        return out == null ? word : Arrays.copyOf(out, n);
    }

    /** Weighted counts of adjacent symbol pairs, and which words contain each pair. */
    private static final class PairCounts {
        static final long NONE = -1;
        private final Map<Long, long[]> counts = new HashMap<>(); // pair -> {count, first-seen order}
        private final Map<Long, LinkedHashSet<Integer>> words = new HashMap<>();
        private long order;

        void addWord(int[] symbols, int weight, int word) {
            for (int i = 0; i + 1 < symbols.length; i++) {
                long pair = ((long) symbols[i] << 32) | (symbols[i + 1] & 0xFFFFFFFFL);
                counts.computeIfAbsent(pair, p -> new long[] {0, order++})[0] += weight;
                if (word >= 0) {
                    words.computeIfAbsent(pair, p -> new LinkedHashSet<>()).add(word);
                }
            }
        }

        long mostFrequent() {
            long best = NONE;
            long bestCount = 1; // a pair seen once saves nothing
            long bestOrder = Long.MAX_VALUE;
            for (Map.Entry<Long, long[]> e : counts.entrySet()) {
                long c = e.getValue()[0];
                if (c > bestCount || (c == bestCount && c > 1 && e.getValue()[1] < bestOrder)) {
                    best = e.getKey();
                    bestCount = c;
                    bestOrder = e.getValue()[1];
                }
            }
            return best;
        }

        List<Integer> wordsWith(long pair) {
            LinkedHashSet<Integer> set = words.get(pair);
            return set == null ? List.of() : new ArrayList<>(set);
        }

        /** Drops a merged pair: no word contains it any more. */
        void forget(long pair) {
            counts.remove(pair);
            words.remove(pair);
        }
    }
}

package dev.ternary.convert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {
    private static final String CORPUS = "It is a truth universally acknowledged, that a single man in possession of"
            + " a good fortune, must be in want of a wife. However little known the feelings or views of such a man"
            + " may be on his first entering a neighbourhood, this truth is so well fixed in the minds of the"
            + " surrounding families, that he is considered the rightful property of some one or other of their"
            + " daughters. \"My dear Mr. Bennet,\" said his lady to him one day, \"have you heard that Netherfield"
            + " Park is let at last?\" Mr. Bennet replied that he had not. 1811, 1812 and 1813 — café.";

    @TempDir
    Path tmp;

    @Test
    void mergeReplacesEveryNonOverlappingOccurrenceLeftToRight() {
        assertArrayEquals(new int[] {9, 9, 1}, BpeTrainer.merge(new int[] {1, 1, 1, 1, 1}, 1, 1, 9));
        assertArrayEquals(new int[] {0, 9, 3, 9}, BpeTrainer.merge(new int[] {0, 1, 2, 3, 1, 2}, 1, 2, 9));
        int[] untouched = {1, 2, 3};
        assertSame(untouched, BpeTrainer.merge(untouched, 2, 1, 9));
    }

    @Test
    void learnedVocabularyLoadsInHuggingFaceTokenizersAndMatchesAReferenceEncoder() throws Exception {
        BpeTrainer trainer = new BpeTrainer();
        for (int i = 0; i < 3; i++) {
            trainer.add(CORPUS);
        }
        BpeVocabulary vocab = trainer.train(400, List.of("<|begin_of_text|>", "<|end_of_text|>"));
        assertTrue(vocab.merges().size() > 100, "merges learned: " + vocab.merges().size());
        assertEquals(vocab.tokens().size() + 2, vocab.size());
        Path file = tmp.resolve("tokenizer.json");
        ByteLevelTokenizerJson.write(file, vocab);
        try (TextTokenizer hf = TextTokenizer.load(file)) {
            String text = "Mr. Bennet said that the truth is universally acknowledged in 1812 — café!";
            int[] ids = hf.encode(text, false);
            assertArrayEquals(referenceEncode(vocab, text), ids);
            assertEquals(text, hf.decode(ids, false));
            assertTrue(ids.length < text.length() / 2, "merges compress: " + ids.length + " tokens");
            assertEquals(vocab.tokens().indexOf("ĠBennet"), hf.encode(" Bennet", false)[0]);
            assertEquals(vocab.tokens().size() + 1, hf.tokenId("<|end_of_text|>"));
        }
    }

    @Test
    void trainingIsDeterministic() {
        BpeTrainer a = new BpeTrainer();
        BpeTrainer b = new BpeTrainer();
        a.add(CORPUS);
        b.add(CORPUS);
        assertEquals(a.train(350, List.of()), b.train(350, List.of()));
    }

    /** Textbook BPE encoding, independent of the trainer: split words, then merge the lowest-ranked pair first. */
    private static int[] referenceEncode(BpeVocabulary vocab, String text) {
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < vocab.merges().size(); i++) {
            rank.put(vocab.merges().get(i).left() + " " + vocab.merges().get(i).right(), i);
        }
        List<Integer> ids = new ArrayList<>();
        Matcher m = BpeTrainer.WORDS.matcher(text);
        while (m.find()) {
            List<String> parts = new ArrayList<>();
            for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) {
                parts.add(ByteLevelTokenizerJson.byteToUnicode(b & 0xFF));
            }
            while (true) {
                int best = -1;
                int bestRank = Integer.MAX_VALUE;
                for (int i = 0; i + 1 < parts.size(); i++) {
                    Integer r = rank.get(parts.get(i) + " " + parts.get(i + 1));
                    if (r != null && r < bestRank) {
                        bestRank = r;
                        best = i;
                    }
                }
                if (best < 0) {
                    break;
                }
                parts.set(best, parts.get(best) + parts.remove(best + 1));
            }
            parts.forEach(p -> ids.add(vocab.tokens().indexOf(p)));
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}

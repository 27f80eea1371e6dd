package dev.ternary.convert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextTokenizerTest {
    @TempDir
    Path tmp;

    @Test
    void byteLevelTokenizerRoundTripsAnyText() throws Exception {
        Path file = tmp.resolve("tokenizer.json");
        ByteLevelTokenizerJson.write(file, List.of("<s>", "</s>"));
        try (TextTokenizer t = TextTokenizer.load(tmp)) {
            String text = "Hello, wörld! \n\t 1.58 bits ☃";
            int[] ids = t.encode(text, false);
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            assertEquals(utf8.length, ids.length);
            for (int i = 0; i < utf8.length; i++) {
                assertEquals(utf8[i] & 0xFF, ids[i], "byte " + i);
            }
            assertEquals(text, t.decode(ids, true));
            assertEquals(257, t.tokenId("</s>"));
            assertArrayEquals(new int[] {256, 'h', 'i', 257}, t.encode("<s>hi</s>", false));
        }
    }

    @Test
    void missingTokenizerIsAClearError() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TextTokenizer.load(tmp));
        assertTrue(e.getMessage().endsWith("tokenizer not found; the model directory needs tokenizer.json"));
    }
}

package dev.ternary.infer.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.tokenizer.ByteLevelTokenizerJson;
import dev.ternary.convert.tokenizer.TextTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncrementalDecoderTest {
    @TempDir
    Path tmp;

    /** Byte-level tokenizer: token id = UTF-8 byte, so characters outside ASCII span several tokens. */
    private TextTokenizer byteTokenizer() throws Exception {
        Path file = tmp.resolve("bytes.json");
        ByteLevelTokenizerJson.write(file, List.of("<eot>"));
        return TextTokenizer.load(file);
    }

    @Test
    void piecesAddUpToTheDecodedReplyAndCharactersAreNeverSplit() throws Exception {
        String reply = "Grüße, naïve café — 東京 🚀 done.";
        try (TextTokenizer tokenizer = byteTokenizer()) {
            int[] ids = tokenizer.encode(reply, false);
            IncrementalDecoder decoder = new IncrementalDecoder(tokenizer);
            StringBuilder streamed = new StringBuilder();
            for (int id : ids) {
                String piece = decoder.add(id);
                assertTrue(!piece.contains("\uFFFD"), "a piece holds whole characters: " + piece);
                streamed.append(piece);
            }
            assertEquals(reply, streamed.toString());
            assertEquals(reply, tokenizer.decode(ids, true));
        }
    }

    @Test
    void theDecodedWindowStaysShortOnALongReply() throws Exception {
        try (TextTokenizer tokenizer = byteTokenizer()) {
            IncrementalDecoder decoder = new IncrementalDecoder(tokenizer);
            Random random = new Random(7);
            StringBuilder streamed = new StringBuilder();
            StringBuilder expected = new StringBuilder();
            int longest = 0;
            for (int i = 0; i < 2000; i++) {
                char c = (char) ('a' + random.nextInt(26));
                expected.append(c);
                streamed.append(decoder.add(c));
                longest = Math.max(longest, decoder.windowLength());
            }
            assertEquals(expected.toString(), streamed.toString());
            // the last piece's token plus the new one, not the whole reply
            assertTrue(longest <= 2, "window of " + longest + " tokens");
        }
    }

    @Test
    void specialTokensAreSkippedWithoutLosingTheTextAroundThem() throws Exception {
        try (TextTokenizer tokenizer = byteTokenizer()) {
            int eot = 256;
            IncrementalDecoder decoder = new IncrementalDecoder(tokenizer);
            StringBuilder streamed = new StringBuilder();
            List<Integer> ids = new ArrayList<>();
            for (byte b : "ok ".getBytes(StandardCharsets.UTF_8)) {
                ids.add(b & 0xFF);
            }
            ids.add(eot);
            for (byte b : "é!".getBytes(StandardCharsets.UTF_8)) {
                ids.add(b & 0xFF);
            }
            for (int id : ids) {
                streamed.append(decoder.add(id));
            }
            assertEquals("ok é!", streamed.toString());
        }
    }

    /**
     * A SentencePiece-style tokenizer as in Llama 2's tokenizer.json: "▁" marks a space, bytes fall back to
     * {@code <0xNN>} tokens, and the decoder strips the first space of whatever it decodes; a window that starts
     * mid-reply must still keep the spaces between words.
     */
    @Test
    void keepsTheSpacesASentencePieceDecoderStripsAtTheStartOfAWindow() throws Exception {
        List<String> vocab = new ArrayList<>(List.of("<unk>", "▁Hello", "▁world", ",", "▁caf", "▁again", "."));
        for (int b = 0; b < 256; b++) {
            vocab.add(String.format("<0x%02X>", b));
        }
        Path file = tmp.resolve("sp.json");
        Files.writeString(file, sentencePieceJson(vocab));
        try (TextTokenizer tokenizer = TextTokenizer.load(file)) {
            int e1 = vocab.indexOf("<0xC3>");
            int e2 = vocab.indexOf("<0xA9>");
            int[] ids = {1, 3, 2, 4, e1, e2, 5, 6};
            String whole = tokenizer.decode(ids, true);
            assertEquals("Hello, world café again.", whole);
            IncrementalDecoder decoder = new IncrementalDecoder(tokenizer);
            StringBuilder streamed = new StringBuilder();
            for (int id : ids) {
                streamed.append(decoder.add(id));
            }
            assertEquals(whole, streamed.toString());
        }
    }

    private static String sentencePieceJson(List<String> vocab) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens");
        root.putNull("normalizer");
        root.putNull("pre_tokenizer");
        root.putNull("post_processor");
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "Sequence");
        ArrayNode steps = decoder.putArray("decoders");
        ObjectNode replace = steps.addObject();
        replace.put("type", "Replace");
        replace.putObject("pattern").put("String", "▁");
        replace.put("content", " ");
        steps.addObject().put("type", "ByteFallback");
        steps.addObject().put("type", "Fuse");
        ObjectNode strip = steps.addObject();
        strip.put("type", "Strip");
        strip.put("content", " ");
        strip.put("start", 1);
        strip.put("stop", 0);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", "<unk>");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        ObjectNode v = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) {
            v.put(vocab.get(i), i);
        }
        model.putArray("merges");
        return json.writeValueAsString(root);
    }
}

package dev.ternary.convert.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a byte-level BPE {@code tokenizer.json} in Hugging Face's format (GPT-2 byte alphabet): either a minimal
 * one with no merges, where every UTF-8 byte is a token (tiny test and synthetic models, where a real vocabulary
 * would dwarf the weights), or one learned by {@link BpeTrainer}. Any text round-trips.
 */
public final class ByteLevelTokenizerJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ByteLevelTokenizerJson() {}

    /** Token id of byte {@code b} is {@code b}; specials follow from 256. */
    public static void write(Path file, List<String> specialTokens) throws IOException {
        List<String> bytes = new java.util.ArrayList<>(256);
        for (int b = 0; b < 256; b++) {
            bytes.add(byteToUnicode(b));
        }
        write(file, new BpeVocabulary(bytes, List.of(), specialTokens));
    }

    /** Regular tokens take ids 0.., specials follow them; words are split GPT-2 style when there are merges. */
    public static void write(Path file, BpeVocabulary vocabulary) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(toJson(vocabulary)));
    }

    /** As {@link #write(Path, BpeVocabulary)}, to a stream (left open). */
    public static void write(OutputStream out, BpeVocabulary vocabulary) throws IOException {
        out.write(JSON.writeValueAsBytes(toJson(vocabulary)));
    }

    private static ObjectNode toJson(BpeVocabulary vocabulary) {
        List<String> specialTokens = vocabulary.specialTokens();
        int firstSpecial = vocabulary.tokens().size();
        boolean splitWords = !vocabulary.merges().isEmpty();
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < specialTokens.size(); i++) {
            ObjectNode t = added.addObject();
            t.put("id", firstSpecial + i);
            t.put("content", specialTokens.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel");
        pre.put("add_prefix_space", false);
        pre.put("trim_offsets", true);
        pre.put("use_regex", splitWords);
        root.putNull("post_processor");
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "ByteLevel");
        decoder.put("add_prefix_space", false);
        decoder.put("trim_offsets", true);
        decoder.put("use_regex", false);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < vocabulary.tokens().size(); id++) {
            vocab.put(vocabulary.tokens().get(id), id);
        }
        ArrayNode merges = model.putArray("merges");
        for (BpeVocabulary.Merge m : vocabulary.merges()) {
            merges.add(m.left() + " " + m.right());
        }
        return root;
    }

    /**
     * GPT-2's reversible byte → printable character map: printable Latin-1 bytes map to themselves, the rest to
     * code points from 256 upward, in byte order.
     */
    static String byteToUnicode(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) {
            return String.valueOf((char) b);
        }
        int n = 0;
        for (int i = 0; i < b; i++) {
            boolean p = (i >= '!' && i <= '~') || (i >= 0xA1 && i <= 0xAC) || (i >= 0xAE && i <= 0xFF);
            if (!p) {
                n++;
            }
        }
        return String.valueOf((char) (256 + n));
    }
}

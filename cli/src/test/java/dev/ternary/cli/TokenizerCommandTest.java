package dev.ternary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.tokenizer.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerCommandTest {
    @TempDir
    Path tmp;

    @Test
    void trainsAVocabularyThatRoundTripsAndRefusesToOverwrite() throws Exception {
        Path text = tmp.resolve("text.txt");
        Files.writeString(text, "It is a truth universally acknowledged, that a single man in possession of a good"
                + " fortune, must be in want of a wife. ".repeat(20));
        Path out = tmp.resolve("tok").resolve("tokenizer.json");
        CliRunner r = CliRunner.run("tokenizer", "train", text.toString(), "-o", out.toString(), "--vocab-size", "300");
        assertEquals(0, r.exitCode(), r.err());
        // A repetitive text runs out of pairs seen twice before 300: then the vocabulary is smaller, never larger.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) tokens \\((\\d+) merges, 2 special\\)")
                .matcher(r.out());
        assertTrue(m.find(), r.out());
        int size = Integer.parseInt(m.group(1));
        assertEquals(256 + Integer.parseInt(m.group(2)) + 2, size);
        assertTrue(size > 270 && size <= 300, r.out());
        try (TextTokenizer t = TextTokenizer.load(out)) {
            String sample = "a single man in want of a wife";
            int[] ids = t.encode(sample, false);
            assertTrue(ids.length < sample.length() / 2, "merged: " + ids.length);
            assertEquals(sample, t.decode(ids, false));
            assertEquals(size - 1, t.tokenId("<|end_of_text|>"));
        }
        CliRunner again = CliRunner.run("tokenizer", "train", text.toString(), "-o", out.toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("already exists; choose another output or pass --force"), again.err());
        CliRunner tooSmall = CliRunner.run("tokenizer", "train", text.toString(), "-o", tmp.resolve("x.json").toString(),
                "--vocab-size", "100");
        assertEquals(1, tooSmall.exitCode());
        assertTrue(tooSmall.err().contains("--vocab-size must be between 258"), tooSmall.err());
    }
}

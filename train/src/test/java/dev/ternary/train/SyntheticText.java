package dev.ternary.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Small generated English-like text for fast tests that do not need real data. */
final class SyntheticText {
    private static final String[] WORDS = ("the quick brown fox jumps over a lazy dog while seven wizards quietly "
            + "judge boxing matches and pack my box with five dozen liquor jugs").split(" ");

    private SyntheticText() {}

    /** Writes {@code documents} files of about {@code wordsEach} words into {@code dir}. */
    static Path write(Path dir, int documents, int wordsEach, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(seed);
        for (int d = 0; d < documents; d++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < wordsEach; w++) {
                sb.append(WORDS[r.nextInt(WORDS.length)]).append(w % 12 == 11 ? ".\n" : " ");
            }
            Files.writeString(dir.resolve(String.format("doc-%03d.txt", d)), sb.toString());
        }
        return dir;
    }
}

package dev.ternary.train.data.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.InvalidInputException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AustenNovelsTest {
    @TempDir
    Path tmp;

    @Test
    void splitsANovelIntoChaptersDroppingTitlePageAndVolumeHeadings() {
        List<String> lines = Arrays.asList("EMMA", "", "By Jane Austen", "", "VOLUME I", "", "CHAPTER I", "",
                "Emma Woodhouse, handsome,", "clever, and rich,", "", "had lived", null, "CHAPTER II", "",
                "Mr. Weston was a native", "VOLUME II", "Chapter 3.", "End.");
        assertEquals(List.of("Emma Woodhouse, handsome, clever, and rich, had lived", "Mr. Weston was a native",
                "End."), AustenNovels.chapters(lines));
    }

    @Test
    void readsTheSixNovelsFromTheDebianPackagesRData() throws Exception {
        List<String> docs;
        try {
            docs = new AustenNovels().documents(tmp);
        } catch (InvalidInputException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw e;
            }
            Assumptions.abort(e.getMessage());
            return;
        }
        // Emma 55, Mansfield Park 48, Northanger Abbey 31, Persuasion 24, Pride and Prejudice 61, Sense 50.
        assertEquals(55 + 48 + 31 + 24 + 61 + 50, docs.size());
        assertTrue(docs.getFirst().startsWith("Emma Woodhouse, handsome, clever, and rich"), docs.getFirst());
        assertTrue(docs.stream().anyMatch(d -> d.startsWith("It is a truth universally acknowledged")));
        long bytes = docs.stream().mapToLong(String::length).sum();
        assertTrue(bytes > 3_500_000 && bytes < 4_500_000, "about 4 MB of text, got " + bytes);
    }

    @Test
    void unknownSourceIsAUserError() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> SampleTexts.fetch(tmp.resolve("x"), List.of("gutenberg"), 0.05, false));
        assertEquals("--source: 'gutenberg' is not one of austen, sotu", e.getMessage());
    }
}

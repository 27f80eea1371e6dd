package dev.ternary.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
    @TempDir
    Path tmp;

    @Test
    void directoryYieldsTextAndJsonlDocumentsInSortedPathOrder() throws Exception {
        Files.createDirectories(tmp.resolve("b"));
        Files.writeString(tmp.resolve("b/z.txt"), "third");
        Files.writeString(tmp.resolve("a.md"), "first");
        Files.writeString(tmp.resolve("b/c.jsonl"), "{\"text\": \"second-1\", \"id\": 1}\n\n{\"text\": \"second-2\"}\n");
        Files.writeString(tmp.resolve(".hidden.txt"), "skipped");
        Files.writeString(tmp.resolve("notes.bin"), "skipped");
        assertEquals(List.of("first", "second-1", "second-2", "third"), TextCorpus.documents(tmp));
    }

    @Test
    void singleFilesAreReadByExtension() throws Exception {
        Path txt = Files.writeString(tmp.resolve("one.txt"), "{\"text\": \"not parsed\"}");
        assertEquals(List.of("{\"text\": \"not parsed\"}"), TextCorpus.documents(txt));
        Path jsonl = Files.writeString(tmp.resolve("one.jsonl"), "{\"text\": \"parsed\"}");
        assertEquals(List.of("parsed"), TextCorpus.documents(jsonl));
    }

    @Test
    void badJsonlNamesFileAndLine() throws Exception {
        Path f = Files.writeString(tmp.resolve("bad.jsonl"), "{\"text\": \"ok\"}\n{\"body\": \"no text\"}\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TextCorpus.documents(f));
        assertTrue(e.getMessage().startsWith(f + ": line 2 has no string field \"text\""), e.getMessage());
        Path g = Files.writeString(tmp.resolve("worse.jsonl"), "{oops\n");
        e = assertThrows(InvalidInputException.class, () -> TextCorpus.documents(g));
        assertTrue(e.getMessage().contains("line 1 is not valid JSON"), e.getMessage());
    }

    @Test
    void missingOrEmptyInputsAreClearErrors() throws Exception {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TextCorpus.documents(tmp.resolve("nope")));
        assertTrue(e.getMessage().endsWith("no such file or directory"));
        Files.writeString(tmp.resolve("x.bin"), "");
        e = assertThrows(InvalidInputException.class, () -> TextCorpus.documents(tmp));
        assertTrue(e.getMessage().contains("no .txt, .md or .jsonl files found"));
    }
}

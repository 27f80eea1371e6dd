package dev.ternary.convert.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedFileTest {
    @TempDir
    Path tmp;

    @Test
    void replacesTheTargetWholeWithOrdinaryPermissions() throws Exception {
        Path target = tmp.resolve("sub").resolve("tokenizer.json");
        StagedFile.write(target, out -> out.write("old".getBytes(StandardCharsets.UTF_8)));
        StagedFile.write(target, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
        assertEquals("new", Files.readString(target));
        Path plain = tmp.resolve("sub").resolve("plain");
        Files.writeString(plain, "x");
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(target)), "not owner-only");
        assertEquals(2, count(tmp.resolve("sub")), "no staging file left");
    }

    @Test
    void aFailedWriteKeepsTheOldContentAndLeavesNothingBehind() throws Exception {
        Path target = tmp.resolve("metrics.jsonl");
        Files.writeString(target, "kept");
        assertThrows(IOException.class, () -> StagedFile.write(target, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("kept", Files.readString(target));
        assertEquals(1, count(tmp));
    }

    @Test
    void fileTreesDeletesNestedDirectoriesAndIgnoresMissingOnes() throws Exception {
        Path root = tmp.resolve("run");
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/c.txt"), "c");
        Files.writeString(root.resolve("d.txt"), "d");
        FileTrees.delete(root);
        assertFalse(Files.exists(root));
        FileTrees.delete(root);
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}

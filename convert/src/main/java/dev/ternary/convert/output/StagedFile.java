package dev.ternary.convert.output;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes one file so that readers see either the old content or the complete new one: the bytes go to a hidden
 * sibling, which is then renamed over the target. The sibling is created with the default permissions (not
 * {@code createTempFile}'s owner-only ones, which the renamed file would keep).
 */
public final class StagedFile {
    /** Produces the file's content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private StagedFile() {}

    /** Writes {@code content} to {@code target} atomically, replacing any existing file. */
    public static void write(Path target, Content content) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path staging = parent.resolve("." + target.getFileName() + ".partial-" + ProcessHandle.current().pid()
                + "-" + Thread.currentThread().threadId());
        try {
            try (OutputStream out = Files.newOutputStream(staging)) {
                content.writeTo(out);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(staging);
        }
    }
}

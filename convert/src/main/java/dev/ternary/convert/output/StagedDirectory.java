package dev.ternary.convert.output;

import dev.ternary.convert.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An output directory built in a hidden temporary sibling and renamed into place only when complete, so a
 * failed or interrupted job never leaves a half-written model under the name the user asked for. A JVM shutdown
 * hook (Ctrl-C) removes the temporary directory.
 */
public final class StagedDirectory implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private final boolean replaceExisting;
    private final Thread cleanupHook;
    private boolean published;

    private StagedDirectory(Path target, Path staging, boolean replaceExisting) {
        this.target = target;
        this.staging = staging;
        this.replaceExisting = replaceExisting;
        this.cleanupHook = new Thread(() -> deleteQuietly(staging), "ternary-staging-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    /**
     * Prepares to write {@code target}.
     *
     * @param replaceExisting whether an existing {@code target} may be replaced (the user's {@code --force})
     * @throws InvalidInputException if {@code target} exists and may not be replaced
     */
    public static StagedDirectory create(Path target, boolean replaceExisting) {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !replaceExisting) {
            throw InvalidInputException.inFile(target, "already exists; choose another output or pass --force");
        }
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw InvalidInputException.inFile(target, "exists and is not a directory; refusing to replace it");
        }
        Path parent = absolute.getParent();
        try {
            Files.createDirectories(parent);
            Path staging = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".partial-");
            return new StagedDirectory(absolute, staging, replaceExisting);
        } catch (IOException e) {
            throw InvalidInputException.inFile(parent, "cannot create the output directory here: " + e.getMessage());
        }
    }

    /** Where to write the files. */
    public Path path() {
        return staging;
    }

    public Path target() {
        return target;
    }

    /** Moves the finished directory into place (replacing an old one if allowed). */
    public void publish() throws IOException {
        Path backup = null;
        if (Files.exists(target)) {
            if (!replaceExisting) {
                throw InvalidInputException.inFile(target, "appeared while we were writing; not replacing it");
            }
            backup = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            Files.move(target, backup, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging, target);
        }
        published = true;
        if (backup != null) {
            FileTrees.delete(backup);
        }
    }

    /** Removes the staging directory unless it was published. */
    @Override
    public void close() {
        if (!published) {
            deleteQuietly(staging);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it does the same cleanup
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a leftover hidden .partial directory is harmless and named for what it is
        }
    }
}

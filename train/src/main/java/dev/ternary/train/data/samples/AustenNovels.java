package dev.ternary.train.data.samples;

import dev.ternary.convert.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Jane Austen's six completed novels, from the Debian package {@code r-cran-janeaustenr} (Project Gutenberg text,
 * public domain), read straight from the package's R data files with {@link RDataArchive} so R itself is not
 * needed. Each chapter is one document: the novels store one text line per element, blank elements between
 * paragraphs, and a heading line such as "CHAPTER 1" or "Chapter 12" before each chapter.
 */
final class AustenNovels implements SampleSource {
    static final String PACKAGE = "r-cran-janeaustenr";
    private static final Path DATA_DIR = Path.of("usr/lib/R/site-library/janeaustenr/data");
    private static final Pattern CHAPTER = Pattern.compile("^(CHAPTER|Chapter) [0-9IVXLC]+\\.?$");
    private static final Pattern VOLUME = Pattern.compile("^(VOLUME|Volume) [0-9IVXLC]+\\.?$");

    @Override
    public String name() {
        return "austen";
    }

    @Override
    public String provenance() {
        return "Jane Austen's six novels (public domain, Project Gutenberg text), Debian package `" + PACKAGE
                + "`; one document per chapter, novels in alphabetical order of their R object names.";
    }

    @Override
    public List<String> documents(Path work) throws IOException {
        String purpose = "to fetch the Debian package " + PACKAGE;
        ExternalCommand.run(work, purpose, "this needs a Debian or Ubuntu system with apt", "apt-get", "download",
                PACKAGE);
        Path deb;
        try (Stream<Path> files = Files.list(work)) {
            deb = files.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                    .orElseThrow(() -> new InvalidInputException("apt-get download " + PACKAGE + " produced no .deb"));
        }
        ExternalCommand.run(work, purpose, "apt-get install dpkg", "dpkg-deb", "-x", deb.getFileName().toString(),
                "unpacked");
        RDataArchive archive = RDataArchive.open(work.resolve("unpacked").resolve(DATA_DIR), "Rdata");
        List<String> docs = new ArrayList<>();
        for (String novel : archive.names()) {
            docs.addAll(chapters(lines(archive.get(novel), novel)));
        }
        return docs;
    }

    /** Splits a novel's lines into chapters of cleaned text, dropping the title page before the first heading. */
    static List<String> chapters(List<String> lines) {
        List<String> chapters = new ArrayList<>();
        StringBuilder current = null;
        for (String line : lines) {
            String l = line == null ? "" : line.strip();
            if (CHAPTER.matcher(l).matches()) {
                add(chapters, current);
                current = new StringBuilder();
            } else if (current != null && !l.isEmpty() && !VOLUME.matcher(l).matches()) {
                current.append(l).append(' ');
            }
        }
        add(chapters, current);
        return chapters;
    }

    private static void add(List<String> chapters, StringBuilder text) {
        if (text != null) {
            String clean = SampleTexts.clean(text.toString().getBytes(StandardCharsets.UTF_8));
            if (!clean.isEmpty()) {
                chapters.add(clean);
            }
        }
    }

    private static List<String> lines(Object value, String novel) {
        if (value instanceof List<?> list) {
            List<String> lines = new ArrayList<>(list.size());
            for (Object o : list) {
                lines.add((String) o);
            }
            return lines;
        }
        throw new InvalidInputException(PACKAGE + ": object '" + novel + "' is not a character vector");
    }
}

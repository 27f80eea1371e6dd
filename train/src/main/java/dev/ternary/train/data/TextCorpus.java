package dev.ternary.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ternary.convert.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Training text as documents: a text file (one document), a JSONL file (one {@code {"text": ...}} object per line),
 * or a directory of them read recursively in sorted path order, so the same path always yields the same documents
 * in the same order. Hidden files and other extensions in a directory are skipped.
 */
public final class TextCorpus {
    private static final List<String> TEXT_EXTENSIONS = List.of(".txt", ".text", ".md");
    private static final List<String> JSONL_EXTENSIONS = List.of(".jsonl", ".ndjson");
    private static final ObjectMapper JSON = new ObjectMapper();

    private TextCorpus() {}

    /** Calls {@code sink} with each document's text, in order. */
    public static void forEachDocument(Path path, Consumer<String> sink) {
        if (!Files.exists(path)) {
            throw InvalidInputException.inFile(path, "no such file or directory");
        }
        List<Path> files = Files.isDirectory(path) ? filesIn(path) : List.of(path);
        if (files.isEmpty()) {
            throw InvalidInputException.inFile(path, "no .txt, .md or .jsonl files found");
        }
        for (Path f : files) {
            if (isJsonl(f)) {
                readJsonl(f, sink);
            } else {
                sink.accept(readText(f));
            }
        }
    }

    /** All documents as a list (small corpora, tests). */
    public static List<String> documents(Path path) {
        List<String> docs = new ArrayList<>();
        forEachDocument(path, docs::add);
        return docs;
    }

    private static List<Path> filesIn(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !dir.relativize(p).toString().startsWith(".")
                            && !p.getFileName().toString().startsWith("."))
                    .filter(p -> isJsonl(p) || hasExtension(p, TEXT_EXTENSIONS))
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw InvalidInputException.inFile(dir, "cannot list: " + e.getMessage());
        }
    }

    private static boolean isJsonl(Path p) {
        return hasExtension(p, JSONL_EXTENSIONS);
    }

    private static boolean hasExtension(Path p, List<String> extensions) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return extensions.stream().anyMatch(name::endsWith);
    }

    private static String readText(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw InvalidInputException.inFile(f, "cannot read as UTF-8 text: " + e.getMessage());
        }
    }

    private static void readJsonl(Path f, Consumer<String> sink) {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    throw InvalidInputException.inFile(f, "line " + number + " is not valid JSON");
                }
                JsonNode text = node == null ? null : node.get("text");
                if (text == null || !text.isTextual()) {
                    throw InvalidInputException.inFile(f, "line " + number + " has no string field \"text\"");
                }
                sink.accept(text.asText());
            }
        } catch (IOException e) {
            throw InvalidInputException.inFile(f, "cannot read: " + e.getMessage());
        }
    }
}

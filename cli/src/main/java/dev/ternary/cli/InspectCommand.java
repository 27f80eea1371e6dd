package dev.ternary.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ternary.convert.inspect.ModelInspector;
import dev.ternary.convert.inspect.ModelReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ternary inspect}: what a model is, how big, and how it is stored. Reads headers only. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Show a model's architecture, shapes, parameter counts (ternary vs dense), dtypes and size.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model directory or .safetensors file.")
    Path model;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ModelReport r = ModelInspector.inspect(model);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper()
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .enable(SerializationFeature.INDENT_OUTPUT);
            out.println(mapper.writeValueAsString(r));
        } else {
            printText(out, r);
        }
        out.flush();
        return 0;
    }

    private static void printText(PrintWriter out, ModelReport r) {
        out.printf("model:          %s%n", r.path());
        out.printf("architecture:   %s%n", r.architecture());
        out.printf("layers:         %d%n", r.layers());
        out.printf("hidden size:    %d%n", r.hiddenSize());
        out.printf("attention:      %d heads, %d KV heads, head dim %d%n", r.attentionHeads(), r.kvHeads(),
                r.headDim());
        out.printf("FFN size:       %d%n", r.intermediateSize());
        out.printf("vocabulary:     %d (embeddings %s)%n", r.vocabSize(), r.tiedEmbeddings() ? "tied" : "untied");
        out.printf("context:        %d positions%n", r.maxPositionEmbeddings());
        out.printf(Locale.ROOT, "parameters:     %s total = %s ternary + %s dense%n", count(r.totalParameters()),
                count(r.ternaryParameters()), count(r.denseParameters()));
        out.printf("tensors:        %d (%s)%n", r.tensors(), r.dtypes().entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> e.getKey() + ": " + e.getValue().tensors() + ", " + ByteSizes.format(e.getValue().bytes()))
                .collect(Collectors.joining("; ")));
        out.printf("weights:        %s (directory %s)%n", ByteSizes.format(r.weightBytes()),
                ByteSizes.format(r.bytesOnDisk()));
        out.printf("quantization:   %s%n", r.quantizationConfig() == null ? "none (full precision)"
                : r.quantizationConfig().toString());
    }

    private static String count(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fB", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        return Long.toString(n);
    }
}

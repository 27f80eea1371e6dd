package dev.ternary.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.infer.model.Model;
import dev.ternary.infer.perplexity.PerplexityEvaluator;
import dev.ternary.infer.perplexity.PerplexityResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ternary perplexity}: how well a model predicts a text file. */
@Command(name = "perplexity", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Perplexity of a model on a UTF-8 text file, over non-overlapping windows of --context tokens.")
final class PerplexityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelOptions modelOptions;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Model directory (default: the demo model).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "UTF-8 text to score.")
    Path data;

    @Option(names = "--context", paramLabel = "C", defaultValue = "512",
            description = "Tokens per window. Default: ${DEFAULT-VALUE}.")
    int window;

    @Option(names = "--json", description = "Print {\"perplexity\": P, \"tokens\": N}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String text = readText(data);
        try (Model m = Model.load(DefaultModel.resolve(model),
                modelOptions.toLoadOptions(window + 1))) {
            int[] tokens = m.tokenizer().encode(text, false);
            PerplexityResult r;
            boolean bar = !common.quiet && !json && ConvertProgress.onTerminal();
            try (ProgressBar progress = bar ? new ProgressBarBuilder().setTaskName("Scoring")
                    .setInitialMax(tokens.length).setUnit(" tok", 1)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null) {
                LongConsumer onWindow = progress == null ? n -> {} : progress::stepTo;
                r = PerplexityEvaluator.evaluate(m, tokens, window, onWindow);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(Map.of("perplexity", r.perplexity(),
                        "tokens", r.tokens())));
            } else {
                out.printf(Locale.ROOT, "perplexity: %.4f (%d tokens)%n", r.perplexity(), r.tokens());
            }
            out.flush();
        }
        return 0;
    }

    static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (CharacterCodingException e) {
            throw InvalidInputException.inFile(file, "is not valid UTF-8 text");
        } catch (java.nio.file.NoSuchFileException e) {
            throw InvalidInputException.inFile(file, "no such file");
        } catch (IOException e) {
            throw InvalidInputException.inFile(file, "cannot read: " + e.getMessage());
        }
    }
}

package dev.ternary.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.infer.generate.GenerationResult;
import dev.ternary.infer.generate.Generator;
import dev.ternary.infer.model.Model;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ternary generate}: complete one prompt, streaming the text. */
@Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Complete a prompt with a model, streaming tokens to stdout.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingMixin sampling;

    @Mixin
    ModelSelection selection;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "The prompt.")
    String prompt;

    @Option(names = "--json", description = "Print one JSON object with the text and speeds instead of streaming.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Model m = Model.load(selection.resolve(), modelOptions.toLoadOptions(selection.context))) {
            int[] ids = m.encodePrompt(prompt);
            Generator generator = new Generator(m);
            GenerationResult r = generator.generate(ids, sampling.maxTokens, sampling.toSamplingOptions(),
                    json ? (id, text) -> {} : (id, text) -> {
                        out.print(text);
                        out.flush();
                    });
            if (json) {
                ObjectNode o = new ObjectMapper().createObjectNode();
                o.put("text", r.text());
                o.put("prompt_tokens", ids.length);
                o.put("tokens", r.tokens().length);
                o.put("stop_reason", r.stopReason());
                o.put("prefill_tok_s", r.prefillTokensPerSecond());
                o.put("decode_tok_s", r.decodeTokensPerSecond());
                out.println(o.toString());
            } else {
                out.println();
                if (!common.quiet) {
                    spec.commandLine().getErr().println(Stats.line(ids.length, r));
                }
            }
            out.flush();
        }
        return 0;
    }

    /** The speed line printed after a reply. */
    static final class Stats {
        private Stats() {}

        static String line(int promptTokens, GenerationResult r) {
            return String.format(Locale.ROOT, "[prompt %d tok, %.1f tok/s | reply %d tok, %.1f tok/s | %s]",
                    promptTokens, r.prefillTokensPerSecond(), r.tokens().length, r.decodeTokensPerSecond(),
                    r.stopReason());
        }
    }
}

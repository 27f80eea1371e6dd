package dev.ternary.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.synthetic.ModelShape;
import dev.ternary.infer.bench.BenchResult;
import dev.ternary.infer.bench.Benchmark;
import dev.ternary.infer.model.LoadOptions;
import dev.ternary.infer.model.Model;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ternary bench}: prefill and decode tokens/s, optionally against the same model in bf16. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Measure prefill and decode speed of a model, or of random weights at a real model's shape.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelOptions modelOptions;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Model directory.")
    Path model;

    @Option(names = "--synthetic", paramLabel = "SHAPE",
            description = "Random ternary weights of a real shape instead of MODEL: llama-1b, bitnet-2b or tiny.")
    String synthetic;

    @Option(names = "--prompt-tokens", defaultValue = "64", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int promptTokens;

    @Option(names = "--gen-tokens", defaultValue = "32", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int genTokens;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "N",
            description = "Timed passes after the warm-up; the best is reported. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--baseline", description = "Also run the same model with bf16 weights and print the speedup.")
    boolean baseline;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if ((model == null) == (synthetic == null)) {
            throw new InvalidInputException("give either MODEL or --synthetic SHAPE");
        }
        int context = promptTokens + genTokens;
        LoadOptions options = modelOptions.toLoadOptions(context);
        BenchResult main = measure(options, false);
        BenchResult base = baseline ? measure(options.withWeights(LoadOptions.WeightMode.DENSE), true) : null;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = fields(mapper, main);
            if (base != null) {
                ObjectNode b = fields(mapper, base);
                b.put("decode_speedup", main.decodeTokensPerSecond() / base.decodeTokensPerSecond());
                b.put("prefill_speedup", main.prefillTokensPerSecond() / base.prefillTokensPerSecond());
                root.set("baseline", b);
            }
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            print(out, main);
            if (base != null) {
                print(out, base);
                out.printf(Locale.ROOT, "speedup vs bf16: decode %.2fx, prefill %.2fx%n",
                        main.decodeTokensPerSecond() / base.decodeTokensPerSecond(),
                        main.prefillTokensPerSecond() / base.prefillTokensPerSecond());
            }
        }
        out.flush();
        return 0;
    }

    private BenchResult measure(LoadOptions options, boolean dense) {
        try (Model m = synthetic != null
                ? Model.synthetic(ModelShape.Preset.fromCliName(synthetic).shape(), !dense, options)
                : Model.load(model, options)) {
            if (!common.quiet && !json) {
                spec.commandLine().getErr().println("benchmarking " + m.name() + " ("
                        + m.weights().layers().getFirst().q().format() + ", " + options.threads() + " threads)...");
            }
            return Benchmark.run(m, promptTokens, genTokens, repeat);
        }
    }

    private static ObjectNode fields(ObjectMapper mapper, BenchResult r) {
        ObjectNode o = mapper.createObjectNode();
        o.put("model", r.model());
        o.put("weights", r.weights());
        o.put("threads", r.threads());
        o.put("prefill_tok_s", r.prefillTokensPerSecond());
        o.put("decode_tok_s", r.decodeTokensPerSecond());
        o.put("weight_bytes", r.weightBytes());
        o.put("decode_weight_gb_s", r.decodeGigabytesPerSecond());
        return o;
    }

    private static void print(PrintWriter out, BenchResult r) {
        out.printf(Locale.ROOT, "%s [%s, %d threads]: prefill %.1f tok/s (%d tokens), decode %.1f tok/s "
                        + "(%d tokens; %s of weights per token, %.1f GB/s)%n",
                r.model(), r.weights(), r.threads(), r.prefillTokensPerSecond(), r.promptTokens(),
                r.decodeTokensPerSecond(), r.genTokens(), ByteSizes.format(r.weightBytes()),
                r.decodeGigabytesPerSecond());
    }
}

package dev.ternary.cli;

import dev.ternary.convert.ConvertListener;
import dev.ternary.convert.ConvertOptions;
import dev.ternary.convert.ConvertReport;
import dev.ternary.convert.Converter;
import dev.ternary.convert.safetensors.DType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ternary convert}: a Hugging Face checkpoint in, a ternary (BitNet-layout) checkpoint out. */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Convert a Hugging Face Llama-family checkpoint (Llama, Mistral, Qwen2, BitNet bf16 masters) to"
                + " ternary. Every q/k/v/o/gate/up/down projection becomes absmean ternary, packed 4 weights per byte"
                + " in the layout Hugging Face transformers loads for BitNet; embeddings, lm_head, norms and biases"
                + " are copied.")
final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "INPUT",
            description = "Model directory, or a .safetensors file with config.json beside it.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Output directory (default: INPUT-ternary).")
    Path output;

    @Option(names = "--force", description = "Replace OUTPUT if it exists.")
    boolean force;

    @Option(names = "--dense-dtype", paramLabel = "TYPE", defaultValue = "bf16",
            description = "dtype of tensors that stay dense: bf16, f16, f32 or keep (default: ${DEFAULT-VALUE}).")
    String denseDtype;

    @Option(names = "--max-shard-size", paramLabel = "SIZE", converter = ByteSizes.Converter.class,
            description = "Split the output into shards of at most SIZE (e.g. 2GB), with an index file.")
    long maxShardBytes;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: number of cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        Path out = output != null ? output : Converter.defaultOutput(input);
        ConvertOptions options = new ConvertOptions(parseDense(denseDtype), maxShardBytes, force, threads);
        long start = System.nanoTime();
        ConvertReport report;
        boolean showBar = !common.quiet && ConvertProgress.onTerminal();
        try (ConvertProgress progress = new ConvertProgress()) {
            report = Converter.convert(input, out, options, showBar ? progress : ConvertListener.SILENT);
        }
        if (!common.quiet) {
            printSummary(spec.commandLine().getOut(), report, (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    private static Optional<DType> parseDense(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "bf16", "bfloat16" -> Optional.of(DType.BF16);
            case "f16", "fp16", "float16" -> Optional.of(DType.F16);
            case "f32", "fp32", "float32" -> Optional.of(DType.F32);
            case "keep" -> Optional.empty();
            default -> throw new dev.ternary.convert.InvalidInputException(
                    "--dense-dtype: '" + name + "' is not one of bf16, f16, f32, keep");
        };
    }

    static void printSummary(PrintWriter out, ConvertReport r, double seconds) {
        out.printf(Locale.ROOT, "Converted %d projections to ternary (%d tensors kept dense) in %.1f s -> %s%n",
                r.ternaryTensors(), r.denseTensors(), seconds, r.output());
        out.printf(Locale.ROOT, "  linear layers: %s -> %s (%.2fx smaller)%n", ByteSizes.format(r.linearBytesBefore()),
                ByteSizes.format(r.linearBytesAfter()), r.linearRatio());
        out.printf(Locale.ROOT, "  whole model:   %s -> %s (%.2fx smaller)%n", ByteSizes.format(r.modelBytesBefore()),
                ByteSizes.format(r.modelBytesAfter()), r.modelRatio());
        for (String w : r.warnings()) {
            out.println("  warning: " + w);
        }
        out.flush();
    }
}

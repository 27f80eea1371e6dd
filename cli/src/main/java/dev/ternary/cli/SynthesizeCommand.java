package dev.ternary.cli;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.model.Architecture;
import dev.ternary.convert.output.StagedDirectory;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.synthetic.ModelShape;
import dev.ternary.convert.synthetic.SyntheticCheckpoint;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ternary synthesize}: writes a random-weight checkpoint at a real model's shape, for benchmarks and
 * trying the tools without downloading a model.
 */
@Command(
        name = "synthesize",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Write a random-weight Hugging Face checkpoint of a real model's shape (for benchmarks).")
final class SynthesizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--shape", defaultValue = "tiny", paramLabel = "NAME",
            description = "tiny, llama-1b or bitnet-2b (default: ${DEFAULT-VALUE}).")
    String shape;

    @Option(names = "--architecture", paramLabel = "HF_NAME",
            description = "Override the architecture, e.g. Qwen2ForCausalLM.")
    String architecture;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-shard-size", paramLabel = "SIZE", converter = ByteSizes.Converter.class,
            description = "Split into shards of at most SIZE.")
    long maxShardBytes;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Directory to create.")
    Path output;

    @Override
    public Integer call() throws Exception {
        ModelShape s = ModelShape.Preset.fromCliName(shape).shape();
        if (architecture != null) {
            s = s.withArchitecture(Architecture.fromHfName(architecture).orElseThrow(() -> new InvalidInputException(
                    "--architecture: '" + architecture + "' is not one of " + Architecture.supportedNames())));
        }
        try (StagedDirectory staged = StagedDirectory.create(output, false)) {
            SyntheticCheckpoint.write(staged.path(), s, DType.BF16, seed, maxShardBytes);
            staged.publish();
        }
        if (!common.quiet) {
            spec.commandLine().getOut().println("Wrote a random " + shape + " " + s.architecture().hfName()
                    + " checkpoint to " + output);
        }
        return 0;
    }
}

package dev.ternary.cli;

import dev.ternary.train.data.samples.SampleTexts;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ternary data}: text to train and evaluate on. */
@Command(name = "data", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Fetch sample training text.", subcommands = DataCommand.Samples.class)
final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code ternary data samples}: public-domain English, split into train and held-out files. */
    @Command(name = "samples", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Fetch public-domain English (Jane Austen's novels via apt, State of the Union addresses via"
                    + " npm) into train.txt and heldout.txt, one document per line.")
    static final class Samples implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Option(names = {"-o", "--output"}, defaultValue = "data/samples", paramLabel = "DIR",
                description = "Directory to create (default: ${DEFAULT-VALUE}).")
        Path output;

        @Option(names = "--held-out", defaultValue = "0.05", paramLabel = "F",
                description = "Fraction of documents held out (default: ${DEFAULT-VALUE}).")
        double heldOut;

        @Option(names = "--source", split = ",", defaultValue = "austen,sotu", paramLabel = "NAME",
                description = "Sources to fetch, comma-separated: austen, sotu (default: ${DEFAULT-VALUE}).")
        List<String> sources;

        @Option(names = "--force", description = "Replace DIR if it exists.")
        boolean force;

        @Override
        public Integer call() throws Exception {
            SampleTexts.Report r = SampleTexts.fetch(output, sources, heldOut, force);
            if (!common.quiet) {
                spec.commandLine().getOut().printf(Locale.ROOT,
                        "Wrote %s: train.txt (%d documents, %s), heldout.txt (%d documents, %s)%n", r.directory(),
                        r.trainDocuments(), ByteSizes.format(r.trainBytes()), r.heldOutDocuments(),
                        ByteSizes.format(r.heldOutBytes()));
            }
            return 0;
        }
    }
}

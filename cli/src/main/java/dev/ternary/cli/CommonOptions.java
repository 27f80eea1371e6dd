package dev.ternary.cli;

import picocli.CommandLine.Option;

/** Options every subcommand accepts, mixed in with {@code @Mixin}. */
final class CommonOptions {
    @Option(names = "--verbose", description = "Print stack traces for errors.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars or summaries.")
    boolean quiet;
}

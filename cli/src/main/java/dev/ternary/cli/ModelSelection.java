package dev.ternary.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The optional MODEL argument (default: the demo model) and the KV-cache length, for chat and generate. */
final class ModelSelection {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Model directory (default: the demo model).")
    Path model;

    @Option(names = "--context", paramLabel = "N",
            description = "KV-cache length in tokens (default: the model's, at most 4096).")
    int context;

    Path resolve() {
        return DefaultModel.resolve(model);
    }
}

package dev.ternary.cli;

import dev.ternary.convert.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The model used when a command is given none: the demo ternary model shipped in the repository. */
final class DefaultModel {
    static final String RELATIVE = "models/demo/student";

    private DefaultModel() {}

    /** {@code model} if given, else the demo model under the launcher's repository ({@code ternary.home}). */
    static Path resolve(Path model) {
        if (model != null) {
            return model;
        }
        Path home = Path.of(System.getProperty("ternary.home", "."));
        Path demo = home.resolve(RELATIVE);
        if (!Files.isDirectory(demo)) {
            throw new InvalidInputException("no MODEL given and the demo model " + demo
                    + " is missing; pass a model directory");
        }
        return demo;
    }
}

package dev.ternary.train;

import java.io.IOException;
import java.nio.file.Path;

/** Test fixtures for tests in sub-packages. */
public final class TinyModelsAccess {
    private TinyModelsAccess() {}

    public static Path write(Path dir, int hidden, int layers, int heads, int kvHeads, int intermediate)
            throws IOException {
        return TinyModels.write(dir, hidden, layers, heads, kvHeads, intermediate);
    }

    public static Path text(Path dir) throws IOException {
        return SyntheticText.write(dir, 4, 300, 3);
    }
}

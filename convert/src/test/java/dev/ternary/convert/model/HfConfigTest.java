package dev.ternary.convert.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ternary.convert.InvalidInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfConfigTest {
    @TempDir
    Path tmp;

    @Test
    void missingFilesAreNamedInTheError() {
        InvalidInputException named = assertThrows(InvalidInputException.class,
                () -> HfConfig.read(tmp.resolve("model.json")));
        assertEquals(tmp.resolve("model.json") + ": not found: pass a config.json or the directory holding it",
                named.getMessage());
        InvalidInputException inDirectory = assertThrows(InvalidInputException.class,
                () -> HfConfig.read(tmp.resolve(HfConfig.FILE_NAME)));
        assertEquals(tmp.toAbsolutePath() + ": no config.json: a Hugging Face model directory needs config.json next"
                + " to its weights", inDirectory.getMessage());
    }
}

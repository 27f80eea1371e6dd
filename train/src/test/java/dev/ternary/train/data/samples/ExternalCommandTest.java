package dev.ternary.train.data.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.InvalidInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingPackageClientIsAOneLineErrorSayingHowToGetIt() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ExternalCommand.run(tmp,
                "to fetch the Debian package r-cran-janeaustenr", "this needs a Debian or Ubuntu system with apt",
                "no-such-apt-get-here", "download", "r-cran-janeaustenr"));
        assertEquals("no-such-apt-get-here is not installed; it is needed to fetch the Debian package"
                + " r-cran-janeaustenr (this needs a Debian or Ubuntu system with apt)", e.getMessage());
    }

    @Test
    void aFailingClientReportsItsLastLine() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ExternalCommand.run(tmp,
                "to fetch x", "install sh", "sh", "-c", "echo working; echo 'E: Unable to locate package x'; exit 100"));
        assertTrue(e.getMessage().startsWith("sh -c "), e.getMessage());
        assertTrue(e.getMessage().endsWith("failed to fetch x (is the package registry reachable?): E: Unable to"
                + " locate package x"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}

package dev.ternary.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VectorModuleTest {
    @Test
    void isPresentUnderTheTestFlagsAndTheMessageNamesTheFlag() {
        assertTrue(VectorModule.isPresent());
        assertTrue(VectorModule.missingMessage().contains("--add-modules jdk.incubator.vector"));
    }
}

package dev.ternary.infer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.kernels.format.TernaryFormat;
import dev.ternary.kernels.simd.CpuFeatures;
import org.junit.jupiter.api.Test;

class TernaryFormatsTest {
    @Test
    void namesMapToTheKernelLayouts() {
        assertSame(TernaryFormat.TWO_BIT, TernaryFormats.byName("2bit"));
        assertSame(TernaryFormat.BIT_PLANE, TernaryFormats.byName("bitplane"));
        assertSame(TernaryFormat.BIT_SLICE, TernaryFormats.byName("bitslice"));
        assertSame(TernaryFormat.BASE3, TernaryFormats.byName("base3"));
    }

    @Test
    void autoPicksThePopcountLayoutOnlyWithVectorPopcount() {
        TernaryFormat expected = CpuFeatures.jitHasVectorPopcount() ? TernaryFormat.BIT_PLANE : TernaryFormat.TWO_BIT;
        assertSame(expected, TernaryFormats.byName("auto"));
        assertEquals("auto", LoadOptions.defaults().ternaryFormat());
    }

    @Test
    void unknownNamesAreRejectedWithTheChoices() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> LoadOptions.defaults().withTernaryFormat("tq2"));
        assertEquals("--ternary-format must be auto, 2bit, bitplane, bitslice or base3, got 'tq2'", e.getMessage());
    }
}

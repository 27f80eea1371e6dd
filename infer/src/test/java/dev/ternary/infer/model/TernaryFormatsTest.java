package dev.ternary.infer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.kernels.format.TernaryFormat;
import dev.ternary.kernels.simd.CpuFeatures;
import jdk.incubator.vector.VectorShape;
import org.junit.jupiter.api.Test;

class TernaryFormatsTest {
    @Test
    void namesMapToTheKernelLayouts() {
        assertSame(TernaryFormat.TWO_BIT, TernaryFormats.byName("2bit"));
        assertSame(TernaryFormat.BIT_PLANE, TernaryFormats.byName("bitplane"));
        assertSame(TernaryFormat.BASE3, TernaryFormats.byName("base3"));
    }

    @Test
    void autoPicksThePopcountLayoutOnlyWithVectorPopcount() {
        boolean popcount = CpuFeatures.FLAGS.contains("avx512_vpopcntdq")
                && VectorShape.preferredShape().vectorBitSize() >= 512;
        TernaryFormat expected = popcount ? TernaryFormat.BIT_PLANE : TernaryFormat.TWO_BIT;
        assertSame(expected, TernaryFormats.byName("auto"));
        assertEquals("auto", LoadOptions.defaults().ternaryFormat());
    }

    @Test
    void unknownNamesAreRejectedWithTheChoices() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> LoadOptions.defaults().withTernaryFormat("tq2"));
        assertTrue(e.getMessage().contains("auto, 2bit, bitplane or base3"), e.getMessage());
    }
}

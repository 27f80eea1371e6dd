package dev.ternary.kernels.ternary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ternary.kernels.format.HfBitNetLayout;
import dev.ternary.kernels.format.TernaryFormat;
import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.quant.ActivationQuantizer;
import dev.ternary.kernels.quant.Int8Activations;
import dev.ternary.kernels.simd.KernelSpecies;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SIMD kernels against their scalar twins, bit for bit, on shapes with tails. Surefire runs this class again with
 * {@code -Dternary.kernels.vectorBits=128/256/512}.
 */
class TernaryExactnessTest {
    /** 1500 x 100: a bit-plane worker claims its part in two chunks of whole row tiles (a short one last). */
    private static final int[][] SHAPES = {
        {1, 1}, {3, 5}, {16, 32}, {17, 33}, {4, 320}, {37, 100}, {64, 321}, {100, 650}, {5, 1000}, {48, 2048}, {20, 2560},
        {1500, 100}
    };
    private static KernelThreads two;

    /** The formats, base-3 once with each GEMM (which one {@code gemm} takes depends on the CPU otherwise). */
    enum Format {
        TWO_BIT(TernaryFormat.TWO_BIT, TernaryMatrix.Base3Gemm.forThisCpu()),
        BASE3(TernaryFormat.BASE3, TernaryMatrix.Base3Gemm.BIT_PLANES),
        BASE3_TABLES(TernaryFormat.BASE3, TernaryMatrix.Base3Gemm.TABLES),
        BIT_PLANE(TernaryFormat.BIT_PLANE, TernaryMatrix.Base3Gemm.forThisCpu()),
        BIT_SLICE(TernaryFormat.BIT_SLICE, TernaryMatrix.Base3Gemm.forThisCpu());

        final TernaryFormat format;
        final TernaryMatrix.Base3Gemm base3Gemm;

        Format(TernaryFormat format, TernaryMatrix.Base3Gemm base3Gemm) {
            this.format = format;
            this.base3Gemm = base3Gemm;
        }

        TernaryMatrix pack(byte[] trits, int rows, int cols, float weightScale) {
            return TernaryMatrix.fromTrits(trits, rows, cols, weightScale, format, base3Gemm);
        }
    }

    @BeforeAll
    static void start() {
        System.out.println("TernaryExactnessTest: " + KernelSpecies.describe());
        two = new KernelThreads(2);
    }

    @AfterAll
    static void stop() {
        two.close();
    }

    static byte[] randomTrits(Random random, int n, double zeroShare) {
        byte[] t = new byte[n];
        for (int i = 0; i < n; i++) {
            t[i] = random.nextDouble() < zeroShare ? 0 : (byte) (random.nextBoolean() ? 1 : -1);
        }
        return t;
    }

    static Int8Activations randomActivations(Random random, int cols, int tokens) {
        Int8Activations x = new Int8Activations(cols, tokens);
        float[] v = new float[cols * tokens];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * (1 + (i % 7)));
        }
        ActivationQuantizer.quantizeBlock(v, tokens, x);
        return x;
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void gemvMatchesScalarOnRandomShapes(Format f) {
        Random random = new Random(11);
        for (int[] shape : SHAPES) {
            int rows = shape[0], cols = shape[1];
            byte[] trits = randomTrits(random, rows * cols, 0.4);
            try (TernaryMatrix m = f.pack(trits, rows, cols, 0.37f)) {
                Int8Activations x = randomActivations(random, cols, 3);
                for (int token = 0; token < 3; token++) {
                    float[] expected = new float[rows];
                    float[] single = new float[rows];
                    float[] parallel = new float[rows];
                    m.gemvScalar(x, token, expected);
                    m.gemv(KernelThreads.single(), x, token, single);
                    m.gemv(two, x, token, parallel);
                    String where = f + " " + rows + "x" + cols + " token " + token;
                    assertArrayEquals(expected, single, where);
                    assertArrayEquals(expected, parallel, where);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void gemmMatchesScalar(Format f) {
        Random random = new Random(12);
        // 520 x 1100: two row tiles per worker in the bit-plane per-token GEMM; 300 x 2900: several decoded bit-slice
        // tiles per worker; 33, 50 and 300 rows: a short last bit-slice row block
        for (int[] shape : new int[][] {{33, 70}, {16, 640}, {50, 1000}, {520, 1100}, {300, 2900}}) {
            int rows = shape[0], cols = shape[1];
            byte[] trits = randomTrits(random, rows * cols, 0.3);
            try (TernaryMatrix m = f.pack(trits, rows, cols, 1.25f)) {
                int lanes = TokenLaneGemm.LANES;
                // per-token kernels only; a partial token-lane group; full groups with per-token remainders of 1
                // and more tokens; full groups with a partial group
                for (int tokens : new int[] {1, 2, 5, lanes - 1, lanes, lanes + 1, 2 * lanes + lanes / 4,
                        2 * lanes + lanes / 2}) {
                    Int8Activations x = randomActivations(random, cols, tokens);
                    float[] expected = new float[tokens * rows];
                    float[] actual = new float[tokens * rows];
                    m.gemmScalar(x, tokens, expected);
                    m.gemm(two, x, tokens, actual);
                    assertArrayEquals(expected, actual, f + " " + rows + "x" + cols + " tokens " + tokens);
                    // each GEMM row equals the GEMV of that token
                    float[] one = new float[rows];
                    for (int t = 0; t < tokens; t++) {
                        m.gemv(two, x, t, one);
                        for (int r = 0; r < rows; r++) {
                            assertEquals(one[r], actual[t * rows + r], f + " tokens " + tokens + ", token " + t);
                        }
                    }
                }
            }
        }
    }

    /** All weights +1 (or -1) against activations at +-127 for long rows: the int16 folds must not overflow. */
    @ParameterizedTest
    @EnumSource(Format.class)
    void extremeSumsAreExact(Format f) {
        int rows = 18, cols = 16_400;
        byte[] trits = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                trits[r * cols + c] = (byte) (r % 3 == 0 ? 1 : r % 3 == 1 ? -1 : (c % 2 == 0 ? 1 : -1));
            }
        }
        Int8Activations x = new Int8Activations(cols, 2);
        float[] v = new float[2 * cols];
        for (int c = 0; c < cols; c++) {
            v[c] = 3f;
            v[cols + c] = c % 2 == 0 ? -3f : 3f;
        }
        ActivationQuantizer.quantizeBlock(v, 2, x);
        try (TernaryMatrix m = f.pack(trits, rows, cols, 1f)) {
            for (int token = 0; token < 2; token++) {
                float[] expected = new float[rows];
                float[] actual = new float[rows];
                m.gemvScalar(x, token, expected);
                m.gemv(two, x, token, actual);
                assertArrayEquals(expected, actual);
            }
            float[] y = new float[rows];
            m.gemv(KernelThreads.single(), x, 0, y);
            assertEquals(127f * cols * 3f / 127f, y[0], 1e-3 * cols);
        }
    }

    /**
     * The token-lane GEMM at its int16 limits (and the bit-plane per-token GEMM at the same extremes): every weight
     * +-1, activations at +-127, long rows, many tokens.
     */
    @ParameterizedTest
    @EnumSource(Format.class)
    void tokenLaneGemmExtremesAreExact(Format f) {
        int rows = 21, cols = 16_400, tokens = 2 * TokenLaneGemm.LANES;
        byte[] trits = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                trits[r * cols + c] = (byte) (r % 3 == 0 ? 1 : r % 3 == 1 ? -1 : (c % 2 == 0 ? 1 : -1));
            }
        }
        float[] v = new float[tokens * cols];
        for (int t = 0; t < tokens; t++) {
            for (int c = 0; c < cols; c++) {
                v[t * cols + c] = t % 2 == 0 ? 5f : (c % 2 == 0 ? -5f : 5f);
            }
        }
        Int8Activations x = new Int8Activations(cols, tokens);
        ActivationQuantizer.quantizeBlock(v, tokens, x);
        try (TernaryMatrix m = f.pack(trits, rows, cols, 1f)) {
            // the 2-bit format and base-3 with lookup tables have a token-lane GEMM: in the others the same extremes
            // go through the per-token bit-plane kernel (base-3 after decoding its row tiles into bit planes)
            int expectedLaneTokens = f == Format.TWO_BIT || f == Format.BASE3_TABLES ? tokens : 0;
            assertEquals(expectedLaneTokens, m.tokenLaneTokens(tokens), "which GEMM the test reaches");
            float[] expected = new float[tokens * rows];
            float[] actual = new float[tokens * rows];
            m.gemmScalar(x, tokens, expected);
            m.gemm(two, x, tokens, actual);
            assertArrayEquals(expected, actual);
            assertEquals(5f * cols, actual[0], 1e-3 * cols); // row 0 is all +1, token 0 all +5
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void hfRepackMatchesTrits(Format f) {
        Random random = new Random(13);
        // every column count mod 4: the 2-bit repack transposes whole quads and pads the last
        for (int cols : new int[] {77, 78, 79, 80}) {
            hfRepackMatchesTrits(f, random, 40, cols);
        }
    }

    private static void hfRepackMatchesTrits(Format f, Random random, int rows, int cols) {
        byte[] trits = randomTrits(random, rows * cols, 0.3);
        byte[] hf = HfBitNetLayout.pack(trits, rows, cols);
        // one thread, and two, each repacking half of the packed rows
        try (TernaryMatrix a = TernaryMatrix.fromHfPacked(MemorySegment.ofArray(hf), rows, cols, 0.5f, f.format);
             TernaryMatrix p = TernaryMatrix.fromHfPacked(MemorySegment.ofArray(hf), rows, cols, 0.5f, f.format,
                     two);
             TernaryMatrix b = f.pack(trits, rows, cols, 0.5f)) {
            assertArrayEquals(trits, a.toTrits());
            assertArrayEquals(trits, p.toTrits());
            // the same bytes as packing the trits, padding included (trit 0 there, as every format promises)
            byte[] expectedBytes = b.packed().toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(expectedBytes, a.packed().toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(expectedBytes, p.packed().toArray(ValueLayout.JAVA_BYTE));
            Int8Activations x = randomActivations(random, cols, 1);
            float[] ya = new float[rows];
            float[] yp = new float[rows];
            float[] yb = new float[rows];
            a.gemv(two, x, 0, ya);
            p.gemv(two, x, 0, yp);
            b.gemvScalar(x, 0, yb);
            assertArrayEquals(yb, ya);
            assertArrayEquals(yb, yp);
        }
        // a confined segment, which the pool's helpers may not read: repacked on the calling thread
        try (Arena confined = Arena.ofConfined()) {
            MemorySegment seg = confined.allocate(hf.length);
            MemorySegment.copy(hf, 0, seg, ValueLayout.JAVA_BYTE, 0, hf.length);
            try (TernaryMatrix c = TernaryMatrix.fromHfPacked(seg, rows, cols, 0.5f, f.format, two)) {
                assertArrayEquals(trits, c.toTrits());
            }
        }
    }

    @Test
    void hfRepackRejectsTheInvalidCodeThreeWhereItIs() {
        int rows = 40, cols = 77;
        byte[] hf = HfBitNetLayout.pack(new byte[rows * cols], rows, cols);
        hf[7 * cols + 70] |= (byte) 0b1100_0000; // packed row 7, column 70: the code of row 37 (3 * 10 + 7) becomes 3
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TernaryMatrix.fromHfPacked(MemorySegment.ofArray(hf), rows, cols, 1f, TernaryFormat.TWO_BIT,
                        two));
        assertEquals("invalid trit code 3 in packed byte at row 7, column 70", e.getMessage());
    }
}

package dev.ternary.kernels.ternary;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.BIT_COUNT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.NE;

import dev.ternary.kernels.format.BitPlaneFormat;
import dev.ternary.kernels.quant.Int8Activations;
import dev.ternary.kernels.simd.KernelSpecies;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Popcount GEMV/GEMM over {@link BitPlaneFormat}: the activations are cut into their 8 two's-complement bit planes
 * {@code X_b} (once per token, cached in {@link Int8Activations}), and a row's integer dot product is
 * {@code sum_b w_b (popcount(P & X_b) - popcount(M & X_b))}, {@code w_b = 2^b}, {@code w_7 = -128}. Per 512 weights
 * and plane that is two ANDs and two population counts on 64-bit lanes: no multiplication, no lookup tables, and
 * no narrow accumulators to fold. On AVX-512 with {@code VPOPCNTDQ} each count is one {@code vpopcntq}; the
 * per-plane counts stay in 8 long accumulators and are weighted by shifts once per row.
 */
final class BitPlaneKernel {
    static final VectorSpecies<Long> L = KernelSpecies.LONG;
    static final VectorSpecies<Byte> B = KernelSpecies.BYTE;
    /** 64-bit words per plane of a block. */
    static final int WORDS = BitPlaneFormat.BLOCK_COLS / 64;
    static final int PLANES = 8;
    /** Words of all planes of one block. */
    static final int BLOCK_WORDS = PLANES * WORDS;
    static final int SLOT = 2;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /**
     * Per token, per block of 512 columns: the 8 planes' 8 words each, plane-major within the block, so a block's
     * planes sit at constant offsets from one index (C2 then checks their bounds once, not once per plane).
     */
    static final Int8Activations.DerivedView<long[]> BIT_PLANES = new Int8Activations.DerivedView<>() {
        @Override
        public long[] allocate(Int8Activations x) {
            return new long[Math.multiplyExact(tokenWords(x.stride()), x.capacity())];
        }

        @Override
        public void build(Int8Activations x, int token, long[] view) {
            buildPlanes(x.q(), token * x.stride(), x.stride(), view, token * tokenWords(x.stride()));
        }
    };

    private BitPlaneKernel() {}

    /** Words of one token's planes: whole blocks, so padding columns read zero bits. */
    static int tokenWords(int stride) {
        return Math.ceilDiv(stride, BitPlaneFormat.BLOCK_COLS) * BLOCK_WORDS;
    }

    /** Splits {@code stride} int8 activations (a multiple of the byte vector length) into bit planes. */
    static void buildPlanes(byte[] q, int qOff, int stride, long[] planes, int pOff) {
        java.util.Arrays.fill(planes, pOff, pOff + tokenWords(stride), 0L);
        int step = B.length();
        for (int c = 0; c < stride; c += step) {
            ByteVector v = ByteVector.fromArray(B, q, qOff + c);
            int word = pOff + c / BitPlaneFormat.BLOCK_COLS * BLOCK_WORDS + c % BitPlaneFormat.BLOCK_COLS / 64;
            int shift = c % 64;
            for (int b = 0; b < PLANES; b++) {
                long bits = v.and((byte) (1 << b)).compare(NE, 0).toLong();
                planes[word + b * WORDS] |= bits << shift;
            }
        }
    }

    static long[] planes(Int8Activations x, int token) {
        return x.derived(SLOT, token, BIT_PLANES);
    }

    /**
     * The exact {@code sum T*q} of one row.
     *
     * @param pOff offset of the token's planes in {@code planes}
     */
    static int dot(MemorySegment w, long rowOffset, int blocks, long[] planes, int pOff) {
        LongVector a0 = LongVector.zero(L), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int vl = L.length();
        for (int k = 0; k < blocks; k++) {
            for (int j = 0; j < WORDS; j += vl) {
                long o = rowOffset + (long) k * BitPlaneFormat.BLOCK_BYTES + j * 8L;
                LongVector p = LongVector.fromMemorySegment(L, w, o, LE);
                LongVector m = LongVector.fromMemorySegment(L, w, o + BitPlaneFormat.PLANE_BYTES, LE);
                int x = pOff + k * BLOCK_WORDS + j;
                // written out per plane: vectors passed to a helper that C2 does not inline get boxed
                LongVector x0 = LongVector.fromArray(L, planes, x);
                a0 = a0.add(p.and(x0).lanewise(BIT_COUNT)).sub(m.and(x0).lanewise(BIT_COUNT));
                LongVector x1 = LongVector.fromArray(L, planes, x + WORDS);
                a1 = a1.add(p.and(x1).lanewise(BIT_COUNT)).sub(m.and(x1).lanewise(BIT_COUNT));
                LongVector x2 = LongVector.fromArray(L, planes, x + 2 * WORDS);
                a2 = a2.add(p.and(x2).lanewise(BIT_COUNT)).sub(m.and(x2).lanewise(BIT_COUNT));
                LongVector x3 = LongVector.fromArray(L, planes, x + 3 * WORDS);
                a3 = a3.add(p.and(x3).lanewise(BIT_COUNT)).sub(m.and(x3).lanewise(BIT_COUNT));
                LongVector x4 = LongVector.fromArray(L, planes, x + 4 * WORDS);
                a4 = a4.add(p.and(x4).lanewise(BIT_COUNT)).sub(m.and(x4).lanewise(BIT_COUNT));
                LongVector x5 = LongVector.fromArray(L, planes, x + 5 * WORDS);
                a5 = a5.add(p.and(x5).lanewise(BIT_COUNT)).sub(m.and(x5).lanewise(BIT_COUNT));
                LongVector x6 = LongVector.fromArray(L, planes, x + 6 * WORDS);
                a6 = a6.add(p.and(x6).lanewise(BIT_COUNT)).sub(m.and(x6).lanewise(BIT_COUNT));
                LongVector x7 = LongVector.fromArray(L, planes, x + 7 * WORDS);
                a7 = a7.add(p.and(x7).lanewise(BIT_COUNT)).sub(m.and(x7).lanewise(BIT_COUNT));
            }
        }
        // plane b weighs 2^b, the sign plane -128: one weighted vector, one horizontal sum per row
        LongVector sum = a0.add(a1.lanewise(LSHL, 1)).add(a2.lanewise(LSHL, 2)).add(a3.lanewise(LSHL, 3))
                .add(a4.lanewise(LSHL, 4)).add(a5.lanewise(LSHL, 5)).add(a6.lanewise(LSHL, 6))
                .sub(a7.lanewise(LSHL, 7));
        return (int) sum.reduceLanes(ADD);
    }
}

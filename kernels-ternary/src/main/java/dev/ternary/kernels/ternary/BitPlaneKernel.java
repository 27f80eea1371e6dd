package dev.ternary.kernels.ternary;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.BIT_COUNT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.XOR;

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
 * {@code X_b} (once per token, cached in {@link Int8Activations}). Since {@code -q = ~q + 1}, a row's integer dot
 * product is {@code sum_b w_b popcount(NZ & (X_b ^ M)) + n-}, where {@code NZ = P | M} marks the nonzero weights,
 * {@code w_b = 2^b}, {@code w_7 = -128}, and {@code n-}, the row's count of -1 weights, is fixed when the row is
 * packed ({@link #rowBias}). Per 512 weights and plane that is one ternary-logic op (C2 fuses the AND and XOR into
 * {@code vpternlogq}), one population count and one add on 64-bit lanes: no multiplication, no lookup tables, and
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
     * planes sit at constant offsets from one index (C2 then checks their bounds once, not once per plane). The
     * bit-slice kernel reads the same planes, one word at a time.
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

    /**
     * Word of plane 0 of columns {@code 64n .. 64n+63} in a token's planes: word {@code n % 8} of block {@code n / 8}
     * (plane {@code b} is {@link #WORDS}{@code * b} words further).
     */
    static int chunkWord(int n) {
        return n / WORDS * BLOCK_WORDS + n % WORDS;
    }

    /** Splits {@code stride} int8 activations (a multiple of the byte vector length) into bit planes. */
    static void buildPlanes(byte[] q, int qOff, int stride, long[] planes, int pOff) {
        java.util.Arrays.fill(planes, pOff, pOff + tokenWords(stride), 0L);
        int step = B.length();
        for (int c = 0; c < stride; c += step) {
            ByteVector v = ByteVector.fromArray(B, q, qOff + c);
            int word = pOff + chunkWord(c / 64);
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
     * What a row's plane sums carry on top of {@code sum T*q}: they count {@code ~q} for {@code T = -1}, which is
     * {@code -q - 1}, so the bias is minus the number of {@code -1} weights.
     */
    static int rowBias(byte[] trits, int offset, int cols) {
        int negatives = 0;
        for (int c = 0; c < cols; c++) {
            negatives += trits[offset + c] < 0 ? 1 : 0;
        }
        return -negatives;
    }

    /**
     * {@code out[outOff + i] = factor * (exact sum T*q of row i)} for {@code rowCount} consecutive rows. One call
     * covers a tile of rows: per call C2 sets up the loads' bounds checks once, which per row cost about a third of a
     * 2048-column row's time (a whole worker's rows in one call risked an unprofiled compile, see TernaryMatrix).
     *
     * @param rowOffset offset of the first row in {@code w}
     * @param pOff offset of the token's planes in {@code planes}
     * @param rowBias the rows' {@link #rowBias}, {@code rowBias[biasOff + i]} for row {@code i}
     */
    static void dotRows(MemorySegment w, long rowOffset, long rowBytes, int rowCount, int blocks, long[] planes,
                        int pOff, int[] rowBias, int biasOff, float factor, float[] out, int outOff) {
        int vl = L.length();
        for (int i = 0; i < rowCount; i++) {
            long row = rowOffset + i * rowBytes;
            LongVector a0 = LongVector.zero(L), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            // not a counted loop, so every JVM compiles it alike (OpaqueStride)
            for (int k = 0; k < blocks; k += OpaqueStride.one) {
                for (int j = 0; j < WORDS; j += vl) {
                    long o = row + (long) k * BitPlaneFormat.BLOCK_BYTES + j * 8L;
                    LongVector p = LongVector.fromMemorySegment(L, w, o, LE);
                    LongVector m = LongVector.fromMemorySegment(L, w, o + BitPlaneFormat.PLANE_BYTES, LE);
                    int x = pOff + k * BLOCK_WORDS + j;
                    // T * q = q where T = 1, ~q + 1 where T = -1: per plane, the nonzero weights' bits of q, flipped
                    // where T = -1 (one ternary-logic op); the +1s are the row's bias
                    LongVector nz = p.or(m);
                    // written out per plane: vectors passed to a helper that C2 does not inline get boxed
                    LongVector x0 = LongVector.fromArray(L, planes, x);
                    a0 = a0.add(nz.and(x0.lanewise(XOR, m)).lanewise(BIT_COUNT));
                    LongVector x1 = LongVector.fromArray(L, planes, x + WORDS);
                    a1 = a1.add(nz.and(x1.lanewise(XOR, m)).lanewise(BIT_COUNT));
                    LongVector x2 = LongVector.fromArray(L, planes, x + 2 * WORDS);
                    a2 = a2.add(nz.and(x2.lanewise(XOR, m)).lanewise(BIT_COUNT));
                    LongVector x3 = LongVector.fromArray(L, planes, x + 3 * WORDS);
                    a3 = a3.add(nz.and(x3.lanewise(XOR, m)).lanewise(BIT_COUNT));
                    LongVector x4 = LongVector.fromArray(L, planes, x + 4 * WORDS);
                    a4 = a4.add(nz.and(x4.lanewise(XOR, m)).lanewise(BIT_COUNT));
                    LongVector x5 = LongVector.fromArray(L, planes, x + 5 * WORDS);
                    a5 = a5.add(nz.and(x5.lanewise(XOR, m)).lanewise(BIT_COUNT));
                    LongVector x6 = LongVector.fromArray(L, planes, x + 6 * WORDS);
                    a6 = a6.add(nz.and(x6.lanewise(XOR, m)).lanewise(BIT_COUNT));
                    LongVector x7 = LongVector.fromArray(L, planes, x + 7 * WORDS);
                    a7 = a7.add(nz.and(x7.lanewise(XOR, m)).lanewise(BIT_COUNT));
                }
            }
            // plane b weighs 2^b, the sign plane -128; written out, not a helper: in dotRowsPair C2 did not inline
            // one and boxed the vectors (100x slower)
            LongVector sum = a0.add(a1.lanewise(LSHL, 1)).add(a2.lanewise(LSHL, 2)).add(a3.lanewise(LSHL, 3))
                    .add(a4.lanewise(LSHL, 4)).add(a5.lanewise(LSHL, 5)).add(a6.lanewise(LSHL, 6))
                    .sub(a7.lanewise(LSHL, 7));
            out[outOff + i] = ((int) sum.reduceLanes(ADD) - rowBias[biasOff + i]) * factor;
        }
    }

    /**
     * {@link #dotRows} for two tokens at once ({@code pOffA}, {@code pOffB}), for the GEMMs of all formats that count
     * bit-plane rows. Each pass takes two rows by two tokens, so each weight block is loaded, and {@code P | M}
     * formed, once for both tokens, and each activation block once for both rows, and the per-pass overhead (setting
     * up the loop, weighting and reducing the sums) is spread over four sums instead of two. A row's 8 per-plane
     * counts for each token would need 32 accumulators, all the vector registers, so each accumulator holds two
     * adjacent planes, the higher one's count doubled: {@code c_b + 2 c_(b+1)} ({@code c_6 - 2 c_7} for the sign
     * plane), weighted 1, 4, 16 and 64 at the end. The rows of a pass are {@code i} and {@code i + ceil(rowCount / 2)},
     * two forward streams; an odd last row is paired with itself. Against one row by two tokens, 64-token GEMMs at 2
     * threads, in cache: 72 to 57-60 µs per token at 8192x2048, 67 to 57 at 6912x2560, base-3 76 to 56
     * (docs/BENCHMARKS.md, session 11).
     */
    static void dotRowsPair(MemorySegment w, long rowOffset, long rowBytes, int rowCount, int blocks, long[] planes,
                            int pOffA, int pOffB, int[] rowBias, int biasOff, float factorA, float factorB,
                            float[] out, int outOffA, int outOffB) {
        int firstHalf = (rowCount + 1) / 2;
        for (int i = 0; i < firstHalf; i++) {
            int s = i + firstHalf < rowCount ? i + firstHalf : i;
            long rowR = rowOffset + i * rowBytes;
            long rowS = rowOffset + s * rowBytes;
            LongVector z = LongVector.zero(L);
            LongVector ra0 = z, ra1 = z, ra2 = z, ra3 = z, rb0 = z, rb1 = z, rb2 = z, rb3 = z;
            LongVector sa0 = z, sa1 = z, sa2 = z, sa3 = z, sb0 = z, sb1 = z, sb2 = z, sb3 = z;
            for (int k = 0; k < blocks; k += OpaqueStride.one) { // as in dotRows (OpaqueStride)
                for (int j = 0; j < WORDS; j += L.length()) {
                    long o = (long) k * BitPlaneFormat.BLOCK_BYTES + j * 8L;
                    LongVector mR = LongVector.fromMemorySegment(L, w, rowR + o + BitPlaneFormat.PLANE_BYTES, LE);
                    LongVector nzR = LongVector.fromMemorySegment(L, w, rowR + o, LE).or(mR);
                    LongVector mS = LongVector.fromMemorySegment(L, w, rowS + o + BitPlaneFormat.PLANE_BYTES, LE);
                    LongVector nzS = LongVector.fromMemorySegment(L, w, rowS + o, LE).or(mS);
                    int x = pOffA + k * BLOCK_WORDS + j;
                    int y = pOffB + k * BLOCK_WORDS + j;
                    // written out per plane pair, as in dotRows
                    LongVector a0 = LongVector.fromArray(L, planes, x);
                    LongVector a1 = LongVector.fromArray(L, planes, x + WORDS);
                    ra0 = ra0.add(nzR.and(a0.lanewise(XOR, mR)).lanewise(BIT_COUNT))
                            .add(nzR.and(a1.lanewise(XOR, mR)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    sa0 = sa0.add(nzS.and(a0.lanewise(XOR, mS)).lanewise(BIT_COUNT))
                            .add(nzS.and(a1.lanewise(XOR, mS)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    LongVector b0 = LongVector.fromArray(L, planes, y);
                    LongVector b1 = LongVector.fromArray(L, planes, y + WORDS);
                    rb0 = rb0.add(nzR.and(b0.lanewise(XOR, mR)).lanewise(BIT_COUNT))
                            .add(nzR.and(b1.lanewise(XOR, mR)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    sb0 = sb0.add(nzS.and(b0.lanewise(XOR, mS)).lanewise(BIT_COUNT))
                            .add(nzS.and(b1.lanewise(XOR, mS)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    LongVector a2 = LongVector.fromArray(L, planes, x + 2 * WORDS);
                    LongVector a3 = LongVector.fromArray(L, planes, x + 3 * WORDS);
                    ra1 = ra1.add(nzR.and(a2.lanewise(XOR, mR)).lanewise(BIT_COUNT))
                            .add(nzR.and(a3.lanewise(XOR, mR)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    sa1 = sa1.add(nzS.and(a2.lanewise(XOR, mS)).lanewise(BIT_COUNT))
                            .add(nzS.and(a3.lanewise(XOR, mS)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    LongVector b2 = LongVector.fromArray(L, planes, y + 2 * WORDS);
                    LongVector b3 = LongVector.fromArray(L, planes, y + 3 * WORDS);
                    rb1 = rb1.add(nzR.and(b2.lanewise(XOR, mR)).lanewise(BIT_COUNT))
                            .add(nzR.and(b3.lanewise(XOR, mR)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    sb1 = sb1.add(nzS.and(b2.lanewise(XOR, mS)).lanewise(BIT_COUNT))
                            .add(nzS.and(b3.lanewise(XOR, mS)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    LongVector a4 = LongVector.fromArray(L, planes, x + 4 * WORDS);
                    LongVector a5 = LongVector.fromArray(L, planes, x + 5 * WORDS);
                    ra2 = ra2.add(nzR.and(a4.lanewise(XOR, mR)).lanewise(BIT_COUNT))
                            .add(nzR.and(a5.lanewise(XOR, mR)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    sa2 = sa2.add(nzS.and(a4.lanewise(XOR, mS)).lanewise(BIT_COUNT))
                            .add(nzS.and(a5.lanewise(XOR, mS)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    LongVector b4 = LongVector.fromArray(L, planes, y + 4 * WORDS);
                    LongVector b5 = LongVector.fromArray(L, planes, y + 5 * WORDS);
                    rb2 = rb2.add(nzR.and(b4.lanewise(XOR, mR)).lanewise(BIT_COUNT))
                            .add(nzR.and(b5.lanewise(XOR, mR)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    sb2 = sb2.add(nzS.and(b4.lanewise(XOR, mS)).lanewise(BIT_COUNT))
                            .add(nzS.and(b5.lanewise(XOR, mS)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    LongVector a6 = LongVector.fromArray(L, planes, x + 6 * WORDS);
                    LongVector a7 = LongVector.fromArray(L, planes, x + 7 * WORDS);
                    ra3 = ra3.add(nzR.and(a6.lanewise(XOR, mR)).lanewise(BIT_COUNT))
                            .sub(nzR.and(a7.lanewise(XOR, mR)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    sa3 = sa3.add(nzS.and(a6.lanewise(XOR, mS)).lanewise(BIT_COUNT))
                            .sub(nzS.and(a7.lanewise(XOR, mS)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    LongVector b6 = LongVector.fromArray(L, planes, y + 6 * WORDS);
                    LongVector b7 = LongVector.fromArray(L, planes, y + 7 * WORDS);
                    rb3 = rb3.add(nzR.and(b6.lanewise(XOR, mR)).lanewise(BIT_COUNT))
                            .sub(nzR.and(b7.lanewise(XOR, mR)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                    sb3 = sb3.add(nzS.and(b6.lanewise(XOR, mS)).lanewise(BIT_COUNT))
                            .sub(nzS.and(b7.lanewise(XOR, mS)).lanewise(BIT_COUNT).lanewise(LSHL, 1));
                }
            }
            int biasR = rowBias[biasOff + i];
            int biasS = rowBias[biasOff + s];
            LongVector sumRA = ra0.add(ra1.lanewise(LSHL, 2)).add(ra2.lanewise(LSHL, 4))
                    .add(ra3.lanewise(LSHL, 6));
            LongVector sumRB = rb0.add(rb1.lanewise(LSHL, 2)).add(rb2.lanewise(LSHL, 4))
                    .add(rb3.lanewise(LSHL, 6));
            LongVector sumSA = sa0.add(sa1.lanewise(LSHL, 2)).add(sa2.lanewise(LSHL, 4))
                    .add(sa3.lanewise(LSHL, 6));
            LongVector sumSB = sb0.add(sb1.lanewise(LSHL, 2)).add(sb2.lanewise(LSHL, 4))
                    .add(sb3.lanewise(LSHL, 6));
            out[outOffA + i] = ((int) sumRA.reduceLanes(ADD) - biasR) * factorA;
            out[outOffB + i] = ((int) sumRB.reduceLanes(ADD) - biasR) * factorB;
            out[outOffA + s] = ((int) sumSA.reduceLanes(ADD) - biasS) * factorA;
            out[outOffB + s] = ((int) sumSB.reduceLanes(ADD) - biasS) * factorB;
        }
    }
}

package dev.ternary.kernels.ternary;

import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.LSHR;

import dev.ternary.kernels.format.Lut2Format;
import dev.ternary.kernels.quant.Int8Activations;
import dev.ternary.kernels.simd.KernelSpecies;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Table-lookup GEMV/GEMM over {@link Lut2Format}: no multiplication, one byte shuffle per 16 rows x 2 columns and
 * activation plane (the T-MAC / bitnet.cpp TL idea, made exact).
 *
 * <p>For each column pair the activations give a 16-entry table indexed by the pair's two weight codes. To keep the
 * sums exact in int8 lanes, each activation is split {@code q = 16 * high + low} ({@link Lut2Format#highPart}), so
 * a pair's entry is within [-16, 16] in both the low and the high table; 4 entries are added in int8, then widened
 * to int16 and periodically to int32. The row sum is {@code 16 * sumHigh + sumLow}, bit-identical to the scalar
 * {@code sum T*q}.
 *
 * <p>Tables are built once per token (cached in {@link Int8Activations}) as four planes of {@code quads x 16} bytes:
 * low-part tables of the low-nibble pairs, of the high-nibble pairs, then the high-part tables likewise. A vector of
 * {@code 16 * m} bytes covers {@code m} consecutive quads of one 16-row block, and so do the matching {@code 16 * m}
 * table bytes; lane {@code i} indexes its own quad's table by adding {@code 16 * (i / 16)}.
 */
final class Lut2Kernel {
    static final VectorSpecies<Byte> B = KernelSpecies.LOOKUP_BYTE;
    static final int L = B.length();
    static final int M = L / Lut2Format.ROW_BLOCK;
    /** At 128 bits one int16 vector of twice the width holds all 16 rows; wider shapes split in two parts. */
    static final boolean WIDE = L == 16;
    static final VectorSpecies<Short> S_WIDE = ShortVector.SPECIES_256;
    static final VectorSpecies<Short> S_SAME = ShortVector.SPECIES_MAX.withShape(B.vectorShape());
    static final ByteVector LANE_TABLE_OFFSET = ByteVector.zero(B).addIndex(1).lanewise(LSHR, 4).mul((byte) 16);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Chunks (2 vectors, at most 64 per int16 lane) summed in int16 before folding to int32. */
    static final int FOLD = 256;
    /** Slot of the cached tables in {@link Int8Activations}. */
    static final int SLOT = 0;
    /** Values an activation part takes: -8..8 ({@link Lut2Format#lowPart} stays within -8..7). */
    private static final int PARTS = 17;
    /**
     * The 16-entry table of every pair of activation parts {@code (p0, p1)}: entry {@code c0 + 4 c1} is
     * {@code T(c0) p0 + T(c1) p1} for the weight codes {@code c0, c1}; code 3 never occurs in valid data, its entry
     * is 0.
     */
    private static final byte[] PAIR_TABLES = pairTables();

    static final Int8Activations.DerivedView<byte[]> TABLES = new Int8Activations.DerivedView<>() {
        @Override
        public byte[] allocate(Int8Activations x) {
            return new byte[Math.multiplyExact(tableBytes(x.stride()), x.capacity())];
        }

        @Override
        public void build(Int8Activations x, int token, byte[] view) {
            buildTables(x.q(), token * x.stride(), x.stride(), view, token * tableBytes(x.stride()));
        }
    };

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Lut2Kernel() {}

    static int tableBytes(int paddedCols) {
        return 16 * paddedCols;
    }

    /**
     * Fills the four table planes for one token's {@code cols} (a multiple of 4) activations. A pair's table depends
     * only on its two activation parts, each in [-8, 8], so every table is copied from {@link #PAIR_TABLES}: building
     * each entry here ran on the calling thread while the other workers waited, about a tenth of a 2-bit decode step
     * (docs/BENCHMARKS.md, session 14).
     */
    static void buildTables(byte[] q, int qOff, int cols, byte[] tab, int tOff) {
        int quads = cols / 4;
        int plane = quads * 16;
        for (int j = 0; j < quads; j++) {
            for (int half = 0; half < 2; half++) {
                int a0 = q[qOff + 4 * j + 2 * half];
                int a1 = q[qOff + 4 * j + 2 * half + 1];
                int low = tOff + half * plane + j * 16;
                System.arraycopy(PAIR_TABLES, pairTable(Lut2Format.lowPart(a0), Lut2Format.lowPart(a1)), tab, low, 16);
                System.arraycopy(PAIR_TABLES, pairTable(Lut2Format.highPart(a0), Lut2Format.highPart(a1)), tab,
                        low + 2 * plane, 16);
            }
        }
    }

    private static byte[] pairTables() {
        byte[] t = new byte[PARTS * PARTS * 16];
        for (int p0 = -8; p0 <= 8; p0++) {
            for (int p1 = -8; p1 <= 8; p1++) {
                int o = pairTable(p0, p1);
                for (int idx = 0; idx < 16; idx++) {
                    int c0 = idx & 3, c1 = idx >>> 2;
                    int t0 = c0 == 3 ? 0 : c0 - 1;
                    int t1 = c1 == 3 ? 0 : c1 - 1;
                    t[o + idx] = (byte) (t0 * p0 + t1 * p1);
                }
            }
        }
        return t;
    }

    private static int pairTable(int p0, int p1) {
        return ((p0 + 8) * PARTS + p1 + 8) * 16;
    }

    /** Per-thread buffers for folding lanes into row sums. */
    static final class Scratch {
        final short[] low = new short[Math.max(L, 16)];
        final short[] high = new short[Math.max(L, 16)];
        final int[] sums = new int[Lut2Format.ROW_BLOCK];
    }

    static Scratch scratch() {
        return SCRATCH.get();
    }

    /**
     * Computes the 16 row sums {@code sum T*q} of the block at {@code blockOffset} into {@code s.sums}.
     *
     * @param paddedCols the matrix's padded columns (a multiple of 32)
     * @param planeBytes bytes of one table plane for the activation stride ({@code stride / 4 * 16})
     */
    static void block(MemorySegment w, long blockOffset, int paddedCols, byte[] tab, int tOff, int planeBytes,
                      Scratch s) {
        java.util.Arrays.fill(s.sums, 0);
        int loads = paddedCols / 4 / M;
        int pLowA = tOff, pLowB = tOff + planeBytes, pHighA = tOff + 2 * planeBytes, pHighB = tOff + 3 * planeBytes;
        ShortVector aL0, aL1, aH0, aH1;
        if (WIDE) {
            aL0 = ShortVector.zero(S_WIDE);
            aH0 = aL0;
            aL1 = aL0;
            aH1 = aL0;
        } else {
            aL0 = ShortVector.zero(S_SAME);
            aH0 = aL0;
            aL1 = aL0;
            aH1 = aL0;
        }
        // The inner loop has no branch or call: a fold inside it halved the speed (the JIT spilled the accumulators).
        for (int segment = 0; segment < loads; segment += 2 * FOLD) {
            int end = Math.min(loads, segment + 2 * FOLD);
            for (int ld = segment; ld < end; ld += 2) {
                long wo = blockOffset + (long) ld * L;
                ByteVector v0 = ByteVector.fromMemorySegment(B, w, wo, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B, w, wo + L, LE);
                ByteVector lo0 = v0.and((byte) 15);
                ByteVector hi0 = v0.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15);
                ByteVector lo1 = v1.and((byte) 15);
                ByteVector hi1 = v1.reinterpretAsInts().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 15);
                if (M > 1) {
                    lo0 = lo0.add(LANE_TABLE_OFFSET);
                    hi0 = hi0.add(LANE_TABLE_OFFSET);
                    lo1 = lo1.add(LANE_TABLE_OFFSET);
                    hi1 = hi1.add(LANE_TABLE_OFFSET);
                }
                int t = ld * L;
                ByteVector l8 = lo0.selectFrom(ByteVector.fromArray(B, tab, pLowA + t))
                        .add(hi0.selectFrom(ByteVector.fromArray(B, tab, pLowB + t)))
                        .add(lo1.selectFrom(ByteVector.fromArray(B, tab, pLowA + t + L)))
                        .add(hi1.selectFrom(ByteVector.fromArray(B, tab, pLowB + t + L)));
                ByteVector h8 = lo0.selectFrom(ByteVector.fromArray(B, tab, pHighA + t))
                        .add(hi0.selectFrom(ByteVector.fromArray(B, tab, pHighB + t)))
                        .add(lo1.selectFrom(ByteVector.fromArray(B, tab, pHighA + t + L)))
                        .add(hi1.selectFrom(ByteVector.fromArray(B, tab, pHighB + t + L)));
                if (WIDE) {
                    aL0 = aL0.add((ShortVector) l8.convertShape(B2S, S_WIDE, 0));
                    aH0 = aH0.add((ShortVector) h8.convertShape(B2S, S_WIDE, 0));
                } else {
                    aL0 = aL0.add((ShortVector) l8.convert(B2S, 0));
                    aL1 = aL1.add((ShortVector) l8.convert(B2S, 1));
                    aH0 = aH0.add((ShortVector) h8.convert(B2S, 0));
                    aH1 = aH1.add((ShortVector) h8.convert(B2S, 1));
                }
            }
            spill(aL0, aL1, aH0, aH1, s);
            foldLanes(s, s.sums);
            aL0 = aL0.broadcast(0);
            aL1 = aL0;
            aH0 = aL0;
            aH1 = aL0;
        }
    }

    /** Stores the int16 lane sums (vector code only, so the JIT keeps the vectors in registers). */
    private static void spill(ShortVector aL0, ShortVector aL1, ShortVector aH0, ShortVector aH1, Scratch s) {
        if (WIDE) {
            aL0.intoArray(s.low, 0);
            aH0.intoArray(s.high, 0);
        } else {
            aL0.intoArray(s.low, 0);
            aL1.intoArray(s.low, L / 2);
            aH0.intoArray(s.high, 0);
            aH1.intoArray(s.high, L / 2);
        }
    }

    /** Adds the spilled lanes into the 16 row sums: lane {@code i} holds row {@code i % 16}. */
    private static void foldLanes(Scratch s, int[] sums) {
        short[] lo = s.low, hi = s.high;
        for (int i = 0; i < L; i++) {
            sums[i & 15] += (hi[i] << 4) + lo[i];
        }
    }

    /** The cached tables of all tokens of {@code x}, built for {@code token} if stale. */
    static byte[] tables(Int8Activations x, int token) {
        return x.derived(SLOT, token, TABLES);
    }
}

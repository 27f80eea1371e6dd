package dev.ternary.kernels.ternary;

import static jdk.incubator.vector.VectorOperators.AND_NOT;
import static jdk.incubator.vector.VectorOperators.BIT_COUNT;
import static jdk.incubator.vector.VectorOperators.XOR;

import dev.ternary.kernels.format.BitSliceFormat;
import dev.ternary.kernels.simd.KernelSpecies;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Popcount GEMV over {@link BitSliceFormat}, the vector lanes being rows of a row block. Per group of a row block
 * (512 codes on 512-bit vectors) 8 vector loads and the format's decoder ({@link BitSliceFormat#zeroWords}) give the
 * masks {@code NZ_k} of the nonzero trits {@code k = 0..4}; the sign bits {@code s_k} are code planes as stored. As in
 * {@link BitPlaneKernel}, a row's sum is {@code sum_b w_b popcount(NZ & (X_b ^ S)) + n-}: per trit and activation plane
 * one ternary-logic op, one population count and one add, the plane word {@code X_b} of the trit's 64 columns
 * broadcast to every row's lane ({@code S.lanewise(XOR, x)} with a scalar {@code x}). The activations' planes are
 * {@link BitPlaneKernel}'s. A row block's lanes end as its rows' 8 sums, so no horizontal reduction is needed.
 *
 * <p>Work goes in items: one group of one row block's vector of rows ({@link #parts} vectors per row block under
 * vectors narrower than 512 bits). A GEMV decodes item {@code t + 1} into one half of a per-thread buffer before it
 * counts item {@code t} from the other half ({@link #dotRows}). A GEMM decodes L2-sized tiles of row blocks into the
 * bit-plane layout once and counts them with the bit-plane kernel ({@link BitSliceBitPlanes}).
 *
 * <p>How this is written keeps C2 inside its inlining limits; past them, some Vector API calls are left as calls and
 * run boxed, 3x slower end to end in some JVMs (docs/BENCHMARKS.md, session 9): the activation word is XORed as a
 * scalar operand ({@code LongVector.broadcast} of it kept four times as much of C2's graph alive), the plane counts
 * are weighted in scalar code ({@link #store}), and a GEMV is called once per row block (see {@link #dotRows}).
 */
final class BitSliceKernel {
    static final VectorSpecies<Long> L = KernelSpecies.LONG;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int TRITS = BitSliceFormat.TRITS;
    /** Bytes of one code plane of one row in a group chunk. */
    private static final int ROW_WORD = 8;
    /** Bytes of one code plane of a group chunk (all rows of the row block). */
    static final int PLANE_STRIDE = BitSliceFormat.ROW_BLOCK * ROW_WORD;
    /** Decoded bytes per item: one nonzero mask per trit, each at a 64-byte stride. */
    static final long ITEM_BYTES = (long) TRITS * 64;

    /** Per thread: the buffer decoded items go to, grown on first use and kept (64-byte aligned, off-heap). */
    private static final ThreadLocal<MemorySegment[]> SCRATCH = ThreadLocal.withInitial(() -> new MemorySegment[1]);
    /** Per thread: a vector of rows' 8 plane counts on their way to the output. */
    private static final ThreadLocal<long[]> LANES =
            ThreadLocal.withInitial(() -> new long[8 * BitSliceFormat.ROW_BLOCK]);

    private BitSliceKernel() {}

    /** This thread's decode buffer, at least {@code bytes} long. */
    static MemorySegment scratch(long bytes) {
        MemorySegment[] holder = SCRATCH.get();
        if (holder[0] == null || holder[0].byteSize() < bytes) {
            holder[0] = Arena.ofAuto().allocate(bytes, 64);
        }
        return holder[0];
    }

    /** Vectors per row block: 1 with 512-bit vectors, 2 or 4 with narrower ones. */
    static int parts() {
        return BitSliceFormat.ROW_BLOCK / L.length();
    }

    /**
     * Offset of group 0's code plane 0 of run {@code run}, row blocks from {@code base} and {@code blockBytes} apart: a
     * run is one vector of a row block's rows over all its groups, {@link #parts} runs per row block. Group {@code g}
     * is {@link BitSliceFormat#CHUNK_BYTES}{@code * g} further. (Items are walked by run and group: dividing an item
     * index into them cost two divisions per item.)
     */
    static long runOffset(long base, long blockBytes, int run) {
        int parts = parts();
        return base + run / parts * blockBytes + (long) (run % parts) * L.length() * ROW_WORD;
    }

    /**
     * GEMV: one token over {@code rowBlocks} row blocks whose first row is {@code rowFrom} (a multiple of 8):
     * {@code out[outBase + r] = factor * (sum T*q of row r)} for the rows {@code r < rows}. Each item is decoded into
     * one half of a two-item per-thread buffer while the previous one is counted from the other half (decoding whole
     * row blocks first left the weight loads' memory latency uncovered: 392 against 147 µs from DRAM at 8192x2048).
     *
     * <p>Call it for one row block at a time: then C2 compiles it from a full profile, after many short calls. One
     * call per worker made it a long-running loop that C2 compiled on stack replacement, straight from the
     * interpreter, and in about one JVM in three some of its Vector API calls were left uninlined and boxed (llama-1b
     * decoded at 11-24 instead of ~55 tok/s).
     *
     * @param pOff offset of the token's planes ({@link BitPlaneKernel#planes}) in {@code planes}
     */
    static void dotRows(MemorySegment w, long base, long blockBytes, int rowBlocks, int groups, long[] planes,
                        int pOff, int[] rowBias, int rowFrom, int rows, float factor, float[] out, int outBase) {
        int vl = L.length();
        int runs = rowBlocks * parts();
        long chunk = BitSliceFormat.CHUNK_BYTES;
        long[] lanes = LANES.get();
        int r = BitSliceFormat.ROW_BLOCK;
        int bw = BitPlaneKernel.WORDS; // one plane to the next
        MemorySegment decoded = scratch(2 * ITEM_BYTES);
        decodeVector(w, runOffset(base, blockBytes, 0), decoded, 0);
        LongVector a0 = LongVector.zero(L), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int run = 0, t = 0; run < runs; run++) {
            long runO = runOffset(base, blockBytes, run);
            long nextRunO = run + 1 < runs ? runOffset(base, blockBytes, run + 1) : -1;
            for (int g = 0; g < groups; g++, t++) {
                // decode one item ahead into the other half: read back at once, the stores stalled the loads
                long next = g + 1 < groups ? runO + (g + 1) * chunk : nextRunO;
                if (next >= 0) {
                    decodeVector(w, next, decoded, ((t + 1) & 1) * ITEM_BYTES);
                }
                long item = (t & 1) * ITEM_BYTES;
                long o = runO + g * chunk;
                for (int k = 0; k < TRITS; k++) {
                    LongVector nz = LongVector.fromMemorySegment(L, decoded, item + k * 64L, LE);
                    LongVector s = LongVector.fromMemorySegment(L, w, o + (long) k * PLANE_STRIDE, LE);
                    int x = pOff + BitPlaneKernel.chunkWord(TRITS * g + k); // the trit's 64 columns
                    // written out per plane: vectors passed to a helper that C2 does not inline get boxed
                    a0 = a0.add(nz.and(s.lanewise(XOR, planes[x])).lanewise(BIT_COUNT));
                    a1 = a1.add(nz.and(s.lanewise(XOR, planes[x + bw])).lanewise(BIT_COUNT));
                    a2 = a2.add(nz.and(s.lanewise(XOR, planes[x + 2 * bw])).lanewise(BIT_COUNT));
                    a3 = a3.add(nz.and(s.lanewise(XOR, planes[x + 3 * bw])).lanewise(BIT_COUNT));
                    a4 = a4.add(nz.and(s.lanewise(XOR, planes[x + 4 * bw])).lanewise(BIT_COUNT));
                    a5 = a5.add(nz.and(s.lanewise(XOR, planes[x + 5 * bw])).lanewise(BIT_COUNT));
                    a6 = a6.add(nz.and(s.lanewise(XOR, planes[x + 6 * bw])).lanewise(BIT_COUNT));
                    a7 = a7.add(nz.and(s.lanewise(XOR, planes[x + 7 * bw])).lanewise(BIT_COUNT));
                }
            }
            // the planes' counts are weighted in scalar code (store): fewer Vector API calls for C2 to inline
            a0.intoArray(lanes, 0);
            a1.intoArray(lanes, r);
            a2.intoArray(lanes, 2 * r);
            a3.intoArray(lanes, 3 * r);
            a4.intoArray(lanes, 4 * r);
            a5.intoArray(lanes, 5 * r);
            a6.intoArray(lanes, 6 * r);
            a7.intoArray(lanes, 7 * r);
            store(lanes, rowFrom + run * vl, rowBias, rows, factor, out, outBase);
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = LongVector.zero(L);
        }
    }

    /**
     * The rows of a vector's plane counts ({@code lanes}, plane {@code b} from {@code 8b}) from {@code row} on, those
     * below {@code rows}: planes weighted ({@code 2^b}, the sign plane {@code -128}), bias removed, scaled, stored.
     */
    private static void store(long[] lanes, int row, int[] rowBias, int rows, float factor, float[] out,
                              int outBase) {
        int n = Math.min(L.length(), rows - row);
        int r = BitSliceFormat.ROW_BLOCK;
        for (int j = 0; j < n; j++) {
            long sum = -(lanes[7 * r + j] << 7);
            for (int b = 0; b < 7; b++) {
                sum += lanes[b * r + j] << b;
            }
            out[outBase + row + j] = ((int) sum - rowBias[row + j]) * factor;
        }
    }

    /**
     * One vector of code planes (the rows' words of one group, planes {@value #PLANE_STRIDE} bytes apart from
     * {@code o} in {@code w}) into the 5 masks of nonzero trits at {@code d}, {@code d + 64}, ... in {@code dst}:
     * {@link BitSliceFormat#zeroWords} on vectors, negated, with the NOTs pushed to the leaves and each
     * {@code mux(c, a, b)} written {@code a.and(c).or(b.lanewise(AND_NOT, c))}: C2 compiles it to 55 ternary-logic
     * and 9 two-input ops, where the same decoder with {@code BITWISE_BLEND} and a final NOT took 59 and 23 (decode
     * 12.2 → 10.9 ns per item in cache).
     *
     * <p>A method of its own, with no vector parameters, out of the row loops: with them, the decoder was too big for
     * C1's profiling tier ("out of virtual registers"), so it stayed in C1's first tier, which runs the Vector API
     * boxed, and never reached C2.
     */
    static void decodeVector(MemorySegment w, long o, MemorySegment dst, long d) {
        // written out: vectors passed to a helper that C2 does not inline get boxed
        LongVector s0 = LongVector.fromMemorySegment(L, w, o, LE);
        LongVector s1 = LongVector.fromMemorySegment(L, w, o + PLANE_STRIDE, LE);
        LongVector s2 = LongVector.fromMemorySegment(L, w, o + 2 * PLANE_STRIDE, LE);
        LongVector s3 = LongVector.fromMemorySegment(L, w, o + 3 * PLANE_STRIDE, LE);
        LongVector s4 = LongVector.fromMemorySegment(L, w, o + 4 * PLANE_STRIDE, LE);
        LongVector c0 = LongVector.fromMemorySegment(L, w, o + 5 * PLANE_STRIDE, LE);
        LongVector c1 = LongVector.fromMemorySegment(L, w, o + 6 * PLANE_STRIDE, LE);
        LongVector c2 = LongVector.fromMemorySegment(L, w, o + 7 * PLANE_STRIDE, LE);
        LongVector x01 = s0.lanewise(XOR, s1), x02 = s0.lanewise(XOR, s2), x04 = s0.lanewise(XOR, s4);
        LongVector x03 = s0.lanewise(XOR, s3);
        LongVector x13 = s1.lanewise(XOR, s3), x14 = s1.lanewise(XOR, s4), x23 = s2.lanewise(XOR, s3);
        LongVector t1 = x03.lanewise(XOR, s4), t2 = x13, t3 = s2.lanewise(XOR, s4);
        // the negated decoder: ~mux(c, a, b) = mux(c, ~a, ~b), so each NOT lands on a leaf that C2 fuses in;
        // per trit: the c2 = 1 classes (hi, c1 picks) and the c2 = 0 ones (lo); mux(c, a, b) as
        // a.and(c).or(b.lanewise(AND_NOT, c))
        LongVector c0s4 = c0.lanewise(AND_NOT, s4);
        LongVector m0 = x23.or(x04).and(c0).or(x02.lanewise(AND_NOT, c0));
        LongVector hi0 = c0.or(t3).and(c1).or(m0.lanewise(AND_NOT, c1));
        LongVector lo0 = x01.or(c0s4).and(c1).or(c0.or(x01.and(x02)).lanewise(AND_NOT, c1));
        hi0.and(c2).or(lo0.lanewise(AND_NOT, c2)).intoMemorySegment(dst, d, LE);
        LongVector m1 = x14.or(x23.not()).and(c0).or(x13.lanewise(AND_NOT, c0));
        LongVector hi1 = c0.or(t2.and(t1.or(t3.not()))).and(c1).or(m1.lanewise(AND_NOT, c1));
        LongVector lo1 = c0s4.or(x01.not()).and(c1).or(c0.or(x01.lanewise(AND_NOT, x02)).lanewise(AND_NOT, c1));
        hi1.and(c2).or(lo1.lanewise(AND_NOT, c2)).intoMemorySegment(dst, d + 64, LE);
        LongVector a2 = t3.not().and(t1).or(t2.and(t3).lanewise(AND_NOT, t1));
        LongVector m2 = x23.and(c0).or(x02.not().lanewise(AND_NOT, c0));
        LongVector hi2 = c0.or(a2).and(c1).or(m2.lanewise(AND_NOT, c1));
        LongVector lo2 = c1.or(x23.and(c0).or(x02.lanewise(AND_NOT, x01).lanewise(AND_NOT, c0)));
        hi2.and(c2).or(lo2.lanewise(AND_NOT, c2)).intoMemorySegment(dst, d + 128, LE);
        LongVector a3 = t2.not().and(t1).or(t2.or(t3).not().lanewise(AND_NOT, t1));
        LongVector m3 = x23.not().and(c0).or(x13.not().lanewise(AND_NOT, c0));
        LongVector hi3 = c0.or(a3).and(c1).or(m3.lanewise(AND_NOT, c1));
        LongVector b3 = x03.or(x01.and(x04)).lanewise(AND_NOT, x02);
        LongVector lo3 = c1.or(x23.not().and(c0).or(b3.lanewise(AND_NOT, c0)));
        hi3.and(c2).or(lo3.lanewise(AND_NOT, c2)).intoMemorySegment(dst, d + 192, LE);
        LongVector m4 = x14.not().and(x23).or(x04.not().lanewise(AND_NOT, x23));
        LongVector hi4 = c0.or(t1.or(t2.and(t3)).not()).and(c1).or(c0.not().or(m4).lanewise(AND_NOT, c1));
        LongVector lo4 = c0.not().and(c1).or(c0.or(x04.or(x02.and(x03)).lanewise(AND_NOT, x01)).lanewise(AND_NOT, c1));
        hi4.and(c2).or(lo4.lanewise(AND_NOT, c2)).intoMemorySegment(dst, d + 256, LE);
    }
}

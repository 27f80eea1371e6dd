package dev.ternary.kernels.ternary;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.BITWISE_BLEND;
import static jdk.incubator.vector.VectorOperators.BIT_COUNT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.XOR;

import dev.ternary.kernels.format.BitPlaneFormat;
import dev.ternary.kernels.format.BitSliceFormat;
import dev.ternary.kernels.quant.Int8Activations;
import dev.ternary.kernels.simd.KernelSpecies;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Popcount GEMV/GEMM over {@link BitSliceFormat}: its codes are decoded into {@link BitPlaneFormat} blocks, per 512
 * codes (2,560 weights) 8 vector loads, the format's decoder ({@link BitSliceFormat#zeroWords}) on 512-bit words and
 * 10 stores of plus / minus planes, and counted as {@link BitPlaneKernel} does. The decoded blocks are in the format's
 * column order: bit-plane block {@code 5j + k} holds columns {@code 320g + 64k + i} of the groups
 * {@code g = 8j .. 8j+7}, word {@code g % 8}, bit {@code i}; the activations' bit planes ({@link #planes}) are cut in
 * the same order. A GEMV decodes and counts per 512 codes ({@link #dotRows}); a GEMM decodes row tiles
 * ({@link #decodeRows}) once for all its tokens and runs {@link BitPlaneKernel#dotRowsPair} over them. Lanes past a
 * row's last group decode to zero trits.
 */
final class BitSliceKernel {
    static final VectorSpecies<Long> L = KernelSpecies.LONG;
    static final int SLOT = 3;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Bit-plane blocks per block of groups: one per trit position. */
    static final int SUB_BLOCKS = BitSliceFormat.TRITS;
    private static final long BLOCK_BYTES = (long) BitSliceFormat.BLOCK_GROUPS * BitSliceFormat.GROUP_BYTES;
    /** Lane masks: the 8 words from {@code 8 - lanes} have {@code lanes} all-ones words first. */
    private static final long[] LANE_MASKS = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

    /** Per token: bit planes as {@link BitPlaneKernel#BIT_PLANES}, columns in this format's order. */
    static final Int8Activations.DerivedView<long[]> BIT_PLANES =
            BitPlaneKernel.planesView(BitSliceKernel::tokenWords, BitSliceKernel::chunkWord);

    /** Per thread: the buffer decoded blocks go to, grown on first use and kept (64-byte aligned, off-heap). */
    private static final ThreadLocal<MemorySegment[]> SCRATCH = ThreadLocal.withInitial(() -> new MemorySegment[1]);

    private BitSliceKernel() {}

    /** This thread's decode buffer, at least {@code bytes} long. */
    static MemorySegment scratch(long bytes) {
        MemorySegment[] holder = SCRATCH.get();
        if (holder[0] == null || holder[0].byteSize() < bytes) {
            holder[0] = Arena.ofAuto().allocate(bytes, 64);
        }
        return holder[0];
    }

    /** Blocks of groups for {@code cols} columns. */
    static int blocks(int cols) {
        return Math.ceilDiv(BitSliceFormat.groups(cols), BitSliceFormat.BLOCK_GROUPS);
    }

    /** Bit-plane blocks of a decoded row. */
    static int planeBlocks(int cols) {
        return blocks(cols) * SUB_BLOCKS;
    }

    /** Bytes of a decoded row. */
    static long decodedRowBytes(int cols) {
        return (long) planeBlocks(cols) * BitPlaneFormat.BLOCK_BYTES;
    }

    /** Words of one token's planes. */
    static int tokenWords(int stride) {
        return planeBlocks(stride) * BitPlaneKernel.BLOCK_WORDS;
    }

    /**
     * Where the 64 columns of chunk {@code n} go in a token's planes: columns {@code 320g + 64k .. +63} to word
     * {@code g % 8} of bit-plane block {@code 5 (g / 8) + k}.
     */
    static int chunkWord(int n) {
        int g = n / SUB_BLOCKS;
        int k = n % SUB_BLOCKS;
        return (g / BitSliceFormat.BLOCK_GROUPS * SUB_BLOCKS + k) * BitPlaneKernel.BLOCK_WORDS
                + g % BitSliceFormat.BLOCK_GROUPS;
    }

    static long[] planes(Int8Activations x, int token) {
        return x.derived(SLOT, token, BIT_PLANES);
    }

    /**
     * Decodes {@code rowCount} rows of {@code groups} groups, the first at {@code rowOffset} in {@code w}, into
     * consecutive bit-plane rows of {@link #decodedRowBytes} at the start of {@code dst}. One call covers many rows,
     * for the same reason as {@link BitPlaneKernel#dotRows}.
     */
    static void decodeRows(MemorySegment w, long rowOffset, long rowBytes, int rowCount, int groups,
                           MemorySegment dst) {
        int vl = L.length();
        int perBlock = BitSliceFormat.BLOCK_GROUPS / vl;
        int vectors = Math.ceilDiv(groups, BitSliceFormat.BLOCK_GROUPS) * perBlock;
        long outRowBytes = (long) vectors / perBlock * SUB_BLOCKS * BitPlaneFormat.BLOCK_BYTES;
        for (int t = 0; t < rowCount * vectors; t++) {
            int v = t % vectors;
            long d = t / vectors * outRowBytes + (long) v / perBlock * SUB_BLOCKS * BitPlaneFormat.BLOCK_BYTES
                    + v % perBlock * vl * 8L;
            decodeItem(w, rowOffset, rowBytes, groups, vectors, perBlock, t, dst, d);
        }
    }

    /**
     * GEMV rows, decode and popcount interleaved per vector of codes: {@code out[outOff + i] = factor * (sum T*q of row
     * i)}. Each 512 codes are decoded into a 640-byte per-thread buffer (5 bit-plane blocks) and run through the
     * bit-plane kernel's per-block body while the next 512 are decoded into a second buffer, so the weight stream
     * never pauses for a whole tile of decoding. The decoder stays a call of its own (see {@link #decodeVector}); the
     * 8 accumulators are spilled around it, 16 memory ops per 2,560 weights.
     */
    static void dotRows(MemorySegment w, long rowOffset, long rowBytes, int rowCount, int groups, long[] planes,
                        int pOff, int[] rowBias, int biasOff, float factor, float[] out, int outOff) {
        int vl = L.length();
        int perBlock = BitSliceFormat.BLOCK_GROUPS / vl;
        int vectors = Math.ceilDiv(groups, BitSliceFormat.BLOCK_GROUPS) * perBlock;
        long bufferBytes = (long) SUB_BLOCKS * BitPlaneFormat.BLOCK_BYTES;
        MemorySegment decoded = scratch(2 * bufferBytes);
        int items = rowCount * vectors;
        decodeItem(w, rowOffset, rowBytes, groups, vectors, perBlock, 0, decoded, 0);
        LongVector a0 = LongVector.zero(L), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int t = 0; t < items; t++) {
            // decode one vector ahead into the other buffer: read back at once, the stores stalled the loads
            if (t + 1 < items) {
                decodeItem(w, rowOffset, rowBytes, groups, vectors, perBlock, t + 1, decoded,
                        ((t + 1) & 1) * bufferBytes);
            }
            long buffer = (t & 1) * bufferBytes;
            int v = t % vectors;
            int xBase = pOff + v / perBlock * SUB_BLOCKS * BitPlaneKernel.BLOCK_WORDS + v % perBlock * vl;
            for (int k = 0; k < SUB_BLOCKS; k++) {
                // BitPlaneKernel.dotRows' block body on a decoded block (written out for the same reason)
                long o = buffer + (long) k * BitPlaneFormat.BLOCK_BYTES;
                LongVector p = LongVector.fromMemorySegment(L, decoded, o, LE);
                LongVector m = LongVector.fromMemorySegment(L, decoded, o + BitPlaneFormat.PLANE_BYTES, LE);
                LongVector nz = p.or(m);
                int x = xBase + k * BitPlaneKernel.BLOCK_WORDS;
                int wd = BitPlaneKernel.WORDS;
                a0 = a0.add(nz.and(LongVector.fromArray(L, planes, x).lanewise(XOR, m)).lanewise(BIT_COUNT));
                a1 = a1.add(nz.and(LongVector.fromArray(L, planes, x + wd).lanewise(XOR, m)).lanewise(BIT_COUNT));
                a2 = a2.add(nz.and(LongVector.fromArray(L, planes, x + 2 * wd).lanewise(XOR, m))
                        .lanewise(BIT_COUNT));
                a3 = a3.add(nz.and(LongVector.fromArray(L, planes, x + 3 * wd).lanewise(XOR, m))
                        .lanewise(BIT_COUNT));
                a4 = a4.add(nz.and(LongVector.fromArray(L, planes, x + 4 * wd).lanewise(XOR, m))
                        .lanewise(BIT_COUNT));
                a5 = a5.add(nz.and(LongVector.fromArray(L, planes, x + 5 * wd).lanewise(XOR, m))
                        .lanewise(BIT_COUNT));
                a6 = a6.add(nz.and(LongVector.fromArray(L, planes, x + 6 * wd).lanewise(XOR, m))
                        .lanewise(BIT_COUNT));
                a7 = a7.add(nz.and(LongVector.fromArray(L, planes, x + 7 * wd).lanewise(XOR, m))
                        .lanewise(BIT_COUNT));
            }
            if (v == vectors - 1) {
                int i = t / vectors;
                LongVector sum = a0.add(a1.lanewise(LSHL, 1)).add(a2.lanewise(LSHL, 2)).add(a3.lanewise(LSHL, 3))
                        .add(a4.lanewise(LSHL, 4)).add(a5.lanewise(LSHL, 5)).add(a6.lanewise(LSHL, 6))
                        .sub(a7.lanewise(LSHL, 7));
                out[outOff + i] = ((int) sum.reduceLanes(ADD) - rowBias[biasOff + i]) * factor;
                a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = LongVector.zero(L);
            }
        }
    }

    /** Decodes vector {@code t % vectors} of row {@code t / vectors} into {@code dst} at {@code d}. */
    private static void decodeItem(MemorySegment w, long rowOffset, long rowBytes, int groups, int vectors,
                                   int perBlock, int t, MemorySegment dst, long d) {
        int v = t % vectors;
        int j = v / perBlock;
        int h = v % perBlock * L.length();
        int inBlock = Math.min(BitSliceFormat.BLOCK_GROUPS, groups - j * BitSliceFormat.BLOCK_GROUPS);
        long o = rowOffset + (t / vectors) * rowBytes + j * BLOCK_BYTES + h * 8L;
        decodeVector(w, o, 8L * inBlock, Math.max(0, Math.min(L.length(), inBlock - h)), dst, d);
    }

    /**
     * One vector of code words: the {@code lanes} groups whose plane 0 word is at {@code o} in {@code w} (planes
     * {@code stride} bytes apart) into the 5 bit-plane blocks from {@code d} in {@code dst}: per trit, plus = nonzero
     * and sign 0, minus = nonzero and sign 1. {@link BitSliceFormat#zeroWords} on vectors ({@code mux(c, a, b)} is
     * {@code b.lanewise(BITWISE_BLEND, a, c)}).
     *
     * <p>A method of its own, with no vector parameters, out of the row loops: with them, it was too big for C1's
     * profiling tier ("out of virtual registers"), so it stayed in C1's first tier, which runs the Vector API boxed,
     * and never reached C2. Lanes past {@code lanes} are cleared to the code 0 (zero trits) with a vector AND, not a
     * masked load: that version was also too big for C1, and merging two VectorMask sources made C2 box the vectors.
     */
    private static void decodeVector(MemorySegment w, long o, long stride, int lanes, MemorySegment dst, long d) {
        LongVector valid = LongVector.fromArray(L, LANE_MASKS, BitSliceFormat.BLOCK_GROUPS - lanes);
        // written out: vectors passed to a helper that C2 does not inline get boxed
        LongVector s0 = LongVector.fromMemorySegment(L, w, o, LE).and(valid);
        LongVector s1 = LongVector.fromMemorySegment(L, w, o + stride, LE).and(valid);
        LongVector s2 = LongVector.fromMemorySegment(L, w, o + 2 * stride, LE).and(valid);
        LongVector s3 = LongVector.fromMemorySegment(L, w, o + 3 * stride, LE).and(valid);
        LongVector s4 = LongVector.fromMemorySegment(L, w, o + 4 * stride, LE).and(valid);
        LongVector c0 = LongVector.fromMemorySegment(L, w, o + 5 * stride, LE).and(valid);
        LongVector c1 = LongVector.fromMemorySegment(L, w, o + 6 * stride, LE).and(valid);
        LongVector c2 = LongVector.fromMemorySegment(L, w, o + 7 * stride, LE).and(valid);
        LongVector x01 = s0.lanewise(XOR, s1), x02 = s0.lanewise(XOR, s2), x04 = s0.lanewise(XOR, s4);
        LongVector x03 = s0.lanewise(XOR, s3);
        LongVector x13 = s1.lanewise(XOR, s3), x14 = s1.lanewise(XOR, s4), x23 = s2.lanewise(XOR, s3);
        LongVector t1 = x03.lanewise(XOR, s4), t2 = x13, t3 = s2.lanewise(XOR, s4);
        LongVector nc0 = c0.not();
        LongVector a0 = t3.not();
        LongVector a1 = t2.not().or(t3.and(t1.not()));
        LongVector a2 = t2.and(t3).not().lanewise(BITWISE_BLEND, t3, t1);
        LongVector b0 = x01.and(x02).not();
        LongVector b1 = x01.not().or(x02);
        LongVector b2 = x02.not().or(x01);
        LongVector z0 = nc0.and(b0).lanewise(BITWISE_BLEND, x01.not().and(nc0.or(s4)), c1)
                .lanewise(BITWISE_BLEND, x02.not().lanewise(BITWISE_BLEND, x23.not().and(x04.not()), c0)
                        .lanewise(BITWISE_BLEND, nc0.and(a0), c1), c2);
        LongVector z1 = nc0.and(b1).lanewise(BITWISE_BLEND, x01.and(nc0.or(s4)), c1)
                .lanewise(BITWISE_BLEND, x13.not().lanewise(BITWISE_BLEND, x23.and(x14.not()), c0)
                        .lanewise(BITWISE_BLEND, nc0.and(a1), c1), c2);
        LongVector z2 = c1.not().and(b2.lanewise(BITWISE_BLEND, x23.not(), c0))
                .lanewise(BITWISE_BLEND, x02.lanewise(BITWISE_BLEND, x23.not(), c0)
                        .lanewise(BITWISE_BLEND, nc0.and(a2), c1), c2);
        long sub = BitPlaneFormat.BLOCK_BYTES;
        long minus = BitPlaneFormat.PLANE_BYTES;
        z0.or(s0).not().intoMemorySegment(dst, d, LE);
        s0.and(z0.not()).intoMemorySegment(dst, d + minus, LE);
        z1.or(s1).not().intoMemorySegment(dst, d + sub, LE);
        s1.and(z1.not()).intoMemorySegment(dst, d + sub + minus, LE);
        z2.or(s2).not().intoMemorySegment(dst, d + 2 * sub, LE);
        s2.and(z2.not()).intoMemorySegment(dst, d + 2 * sub + minus, LE);
        LongVector a3 = t2.or(t3).lanewise(BITWISE_BLEND, t2, t1);
        LongVector a4 = t1.or(t2.and(t3));
        LongVector b3 = x02.or(x03.or(x01.and(x04)).not());
        LongVector b4 = x01.or(x04.or(x02.and(x03)).not());
        LongVector z3 = c1.not().and(b3.lanewise(BITWISE_BLEND, x23, c0))
                .lanewise(BITWISE_BLEND, x13.lanewise(BITWISE_BLEND, x23, c0)
                        .lanewise(BITWISE_BLEND, nc0.and(a3), c1), c2);
        LongVector z4 = nc0.and(b4).lanewise(BITWISE_BLEND, c0, c1)
                .lanewise(BITWISE_BLEND, c0.and(x04.lanewise(BITWISE_BLEND, x14, x23))
                        .lanewise(BITWISE_BLEND, nc0.and(a4), c1), c2);
        z3.or(s3).not().intoMemorySegment(dst, d + 3 * sub, LE);
        s3.and(z3.not()).intoMemorySegment(dst, d + 3 * sub + minus, LE);
        z4.or(s4).not().intoMemorySegment(dst, d + 4 * sub, LE);
        s4.and(z4.not()).intoMemorySegment(dst, d + 4 * sub + minus, LE);
    }
}

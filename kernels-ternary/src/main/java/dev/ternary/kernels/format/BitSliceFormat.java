package dev.ternary.kernels.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * 1.6-bit ternary layout for popcount kernels: 5 trits per 8-bit code (243 of 256 codes used), the codes stored
 * bit-sliced, so a kernel decodes 512 codes (2,560 weights) with about 60 512-bit logic ops into masks of the nonzero
 * trits, with no lookups and no multiplication; the trits' sign bits are code bits as stored.
 *
 * <p><b>Code.</b> Bits 0..4 of a code are the signs {@code s_k} of its 5 trits (1 = negative) and are read only where
 * the trit is nonzero; bits 5..7 name one of 8 classes, and which trits are zero follows from the class and XORs of
 * sign bits: where a trit is zero its sign bit is free, and that freedom holds the rest of the zero pattern. For
 * example class 2 codes the patterns with one zero at trit 0 or 1: trit 0 is zero when {@code s_0 = s_1}, trit 1 when
 * they differ. Class 7 holds the patterns without a zero and class 0 the all-zero one (the code 0) with the four- and
 * some three-zero ones; {@link #zeroWords} is the decoder, and its comments give each class.
 *
 * <p><b>Layout.</b> Columns go in groups of {@value #GROUP_COLS}: code {@code i} (0..63) of group {@code g} holds
 * columns {@code 320g + 64k + i}, {@code k = 0..4}. Rows go in blocks of {@value #ROW_BLOCK}, one row per 64-bit lane
 * of a 512-bit vector: a row block is its groups in order, each {@value #CHUNK_BYTES} bytes, code plane {@code b}
 * (bit {@code b} of the 64 codes of each row) after plane {@code b - 1}, the block's 8 rows' words in a row. So one
 * vector load reads one code plane of one group for 8 rows, a kernel's lanes are rows, and a row's sums need no
 * horizontal reduction; a row of {@code ceil(cols / 320)} groups takes 64 bytes per group, 1.6 bits per weight plus
 * the padding of its last group.
 *
 * <p>Padding columns and padding rows hold the code 0, which is five zero trits, so {@link #fillZero} is a plain zero
 * fill.
 */
public final class BitSliceFormat implements TernaryFormat {
    /** Columns per group of 64 codes. */
    public static final int GROUP_COLS = 320;
    /** Rows per row block: one 64-bit lane each in a 512-bit vector. */
    public static final int ROW_BLOCK = 8;
    /** Bits per code. */
    public static final int CODE_BITS = 8;
    /** Bytes per group of a row block: its 8 code planes of 8 words. */
    public static final int CHUNK_BYTES = CODE_BITS * ROW_BLOCK * 8;
    /** Trits per code. */
    public static final int TRITS = 5;

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Trits of each code, {@code DECODE[code * 5 + k]}. */
    private static final byte[] DECODE = new byte[256 * TRITS];
    /** The code of each pattern, indexed by {@code sum_k (T_k + 1) * 3^k}. */
    private static final byte[] ENCODE = new byte[243];

    static {
        long[] code = new long[CODE_BITS];
        long[] zero = new long[TRITS];
        boolean[] seen = new boolean[243];
        for (int c = 0; c < 256; c++) {
            for (int b = 0; b < CODE_BITS; b++) {
                code[b] = (c >>> b) & 1;
            }
            zeroWords(code, zero);
            int index = 0;
            for (int k = TRITS - 1; k >= 0; k--) {
                int t = (zero[k] & 1) != 0 ? 0 : ((c >>> k) & 1) != 0 ? -1 : 1;
                DECODE[c * TRITS + k] = (byte) t;
                index = 3 * index + t + 1;
            }
            if (!seen[index]) {
                seen[index] = true;
                ENCODE[index] = (byte) c;
            }
        }
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                throw new IllegalStateException("bitslice code has no code for trit pattern " + i);
            }
        }
    }

    /** The one instance is {@link TernaryFormat}'s constant. */
    BitSliceFormat() {}

    /**
     * The decoder, on bit-sliced words: from the 8 code-bit words of 64 codes ({@code code[b]}: bit {@code i} is bit
     * {@code b} of code {@code i}), the words {@code zero[k]} whose bit {@code i} is set where trit {@code k} of code
     * {@code i} is zero. Plain logic ops, so the kernel's vector version is the same text on vectors.
     */
    public static void zeroWords(long[] code, long[] zero) {
        long s0 = code[0], s1 = code[1], s2 = code[2], s3 = code[3], s4 = code[4];
        long c0 = code[5], c1 = code[6], c2 = code[7];
        long x01 = s0 ^ s1, x02 = s0 ^ s2, x03 = s0 ^ s3, x04 = s0 ^ s4, x13 = s1 ^ s3, x14 = s1 ^ s4, x23 = s2 ^ s3;
        // class 6, three zeros: 8 of the 10 triples, chosen by t = (t1, t2, t3); each region of 4 codes fixes the
        // three zeros' sign bits from the two nonzero signs ({0,1,2},{0,1,4},{0,2,3},{0,3,4},{1,2,3},{1,2,4},
        // {1,3,4},{2,3,4} for t = 0..7, t1 the low bit)
        long t1 = s0 ^ s3 ^ s4, t2 = x13, t3 = s2 ^ s4;
        long a0 = ~t3;
        long a1 = ~t2 | (t3 & ~t1);
        long a2 = (t1 & t3) | (~t1 & ~(t2 & t3));
        long a3 = (t1 & t2) | (~t1 & (t2 | t3));
        long a4 = t1 | (t2 & t3);
        // class 0: five zeros (r = 0, the code 0), four zeros (r = one bit, or 1111 for trit 0 nonzero), and the
        // triples {0,1,3} (r = 0101, 0110) and {0,2,4} (r = 1010, 1001), with r_k = s_k ^ s_0 for k = 1..4
        long b0 = ~(x01 & x02);
        long b1 = ~x01 | x02;
        long b2 = ~x02 | x01;
        long b3 = x02 | ~(x03 | (x01 & x04));
        long b4 = x01 | ~(x04 | (x02 & x03));
        // the classes by (c2 c1 c0): 0 above; 1: trit 2 zero if s2 = s3, else trit 3; 2: trit 0 zero if s0 = s1,
        // else trit 1; 3: trit 4 zero, and if s4 = 1 also trit 0 (s0 = s1) or trit 1; 4: two zeros, trit 0 or 2
        // (by s0 ^ s2) and trit 1 or 3 (by s1 ^ s3); 5: two zeros, {0,2} or {2,4} if s2 = s3 (by s0 ^ s4), else
        // {1,3} or {3,4} (by s1 ^ s4); 6 above; 7: no zero
        zero[0] = mux(c2, mux(c1, ~c0 & a0, mux(c0, ~x23 & ~x04, ~x02)),
                mux(c1, ~x01 & (~c0 | s4), ~c0 & b0));
        zero[1] = mux(c2, mux(c1, ~c0 & a1, mux(c0, x23 & ~x14, ~x13)),
                mux(c1, x01 & (~c0 | s4), ~c0 & b1));
        zero[2] = mux(c2, mux(c1, ~c0 & a2, mux(c0, ~x23, x02)), ~c1 & mux(c0, ~x23, b2));
        zero[3] = mux(c2, mux(c1, ~c0 & a3, mux(c0, x23, x13)), ~c1 & mux(c0, x23, b3));
        zero[4] = mux(c2, mux(c1, ~c0 & a4, c0 & mux(x23, x14, x04)), mux(c1, c0, ~c0 & b4));
    }

    /** Bitwise {@code c ? a : b}. */
    private static long mux(long c, long a, long b) {
        return (c & a) | (~c & b);
    }

    /** Trit {@code k} (-1, 0, 1) of a code. */
    public static int trit(int code, int k) {
        return DECODE[(code & 0xFF) * TRITS + k];
    }

    /** The code of five trits. */
    public static int encode(int t0, int t1, int t2, int t3, int t4) {
        return ENCODE[(t0 + 1) + 3 * (t1 + 1) + 9 * (t2 + 1) + 27 * (t3 + 1) + 81 * (t4 + 1)] & 0xFF;
    }

    @Override
    public String name() {
        return "bitslice";
    }

    @Override
    public double bitsPerWeight() {
        return 1.6;
    }

    @Override
    public int paddedRows(int rows) {
        return Math.ceilDiv(rows, ROW_BLOCK) * ROW_BLOCK;
    }

    @Override
    public int paddedCols(int cols) {
        return groups(cols) * GROUP_COLS;
    }

    /** Groups per row. */
    public static int groups(int cols) {
        return Math.ceilDiv(cols, GROUP_COLS);
    }

    /** Bytes per row block (a multiple of 512, so blocks and groups stay 64-byte aligned). */
    public long blockBytes(int cols) {
        return (long) groups(cols) * CHUNK_BYTES;
    }

    @Override
    public long packedBytes(int rows, int cols) {
        return paddedRows(rows) / ROW_BLOCK * blockBytes(cols);
    }

    @Override
    public void fillZero(MemorySegment dst, int rows, int cols) {
        dst.asSlice(0, packedBytes(rows, cols)).fill((byte) 0);
    }

    /** Offset of word {@code plane} of group {@code g} of row {@code row}, for rows of {@code groups} groups. */
    public static long wordOffset(int groups, int row, int g, int plane) {
        return ((long) row / ROW_BLOCK * groups + g) * CHUNK_BYTES + plane * ROW_BLOCK * 8L + row % ROW_BLOCK * 8L;
    }

    @Override
    public void packRow(byte[] rowTrits, int rowOffset, int rows, int cols, int row, MemorySegment dst) {
        int groups = groups(cols);
        long[] words = new long[CODE_BITS];
        int[] t = new int[TRITS];
        for (int g = 0; g < groups; g++) {
            java.util.Arrays.fill(words, 0L);
            for (int i = 0; i < 64; i++) {
                for (int k = 0; k < TRITS; k++) {
                    int c = g * GROUP_COLS + 64 * k + i;
                    t[k] = c < cols ? rowTrits[rowOffset + c] : 0;
                    TernaryFormat.checkTrit(t[k], row, c);
                }
                long code = encode(t[0], t[1], t[2], t[3], t[4]);
                for (int b = 0; b < CODE_BITS; b++) {
                    words[b] |= ((code >>> b) & 1) << i;
                }
            }
            for (int b = 0; b < CODE_BITS; b++) {
                dst.set(WORD, wordOffset(groups, row, g, b), words[b]);
            }
        }
    }

    @Override
    public int trit(MemorySegment packed, int rows, int cols, int row, int col) {
        int groups = groups(cols);
        int g = col / GROUP_COLS;
        int k = col % GROUP_COLS / 64;
        int i = col % 64;
        int code = 0;
        for (int b = 0; b < CODE_BITS; b++) {
            long word = packed.get(WORD, wordOffset(groups, row, g, b));
            code |= (int) ((word >>> i) & 1) << b;
        }
        return trit(code, k);
    }
}

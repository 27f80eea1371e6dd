package dev.ternary.kernels.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * 2-bit ternary layout as two bit planes, for popcount kernels: bit {@code c} of the "plus" plane is set where
 * {@code T = +1}, bit {@code c} of the "minus" plane where {@code T = -1}.
 *
 * <p>Each row is cut into blocks of {@value #BLOCK_COLS} columns stored in {@value #BLOCK_BYTES} bytes: 64 bytes of
 * plus bits, then 64 bytes of minus bits, column {@code j} of the block in bit {@code j % 8} of byte {@code j / 8}
 * (so a little-endian 64-bit word {@code k} holds columns {@code 64k .. 64k+63}). With the activations split into
 * their 8 two's-complement bit planes {@code X_b}, a row's integer dot product is
 * {@code sum_b w_b (popcount(P & X_b) - popcount(M & X_b))} with {@code w_b = 2^b} and {@code w_7 = -128}: no
 * multiplication, only logic ops and AVX-512 {@code vpopcntq} (the kernel folds each plane's two counts into one,
 * see {@code BitPlaneKernel}).
 *
 * <p>Columns are padded to a multiple of {@value #BLOCK_COLS} with the trit 0; rows are not padded.
 */
public final class BitPlaneFormat implements TernaryFormat {
    /** Columns per block. */
    public static final int BLOCK_COLS = 512;
    /** Bytes per block: the plus plane then the minus plane, 64 bytes each. */
    public static final int BLOCK_BYTES = 128;
    /** Bytes of one plane of a block. */
    public static final int PLANE_BYTES = 64;

    /** The one instance is {@link TernaryFormat}'s constant. */
    BitPlaneFormat() {}

    @Override
    public String name() {
        return "bitplane";
    }

    @Override
    public double bitsPerWeight() {
        return 2;
    }

    @Override
    public int paddedCols(int cols) {
        return Math.ceilDiv(cols, BLOCK_COLS) * BLOCK_COLS;
    }

    /** Bytes per row (a multiple of 128, so rows stay 64-byte aligned). */
    public long rowBytes(int cols) {
        return (long) paddedCols(cols) / BLOCK_COLS * BLOCK_BYTES;
    }

    @Override
    public long packedBytes(int rows, int cols) {
        return rows * rowBytes(cols);
    }

    @Override
    public void fillZero(MemorySegment dst, int rows, int cols) {
        dst.asSlice(0, packedBytes(rows, cols)).fill((byte) 0);
    }

    @Override
    public void packRow(byte[] rowTrits, int rowOffset, int rows, int cols, int row, MemorySegment dst) {
        long base = row * rowBytes(cols);
        int padded = paddedCols(cols);
        for (int c0 = 0; c0 < padded; c0 += 8) {
            int plus = 0;
            int minus = 0;
            for (int j = 0; j < 8; j++) {
                int c = c0 + j;
                int t = c < cols ? rowTrits[rowOffset + c] : 0;
                TernaryFormat.checkTrit(t, row, c);
                plus |= (t > 0 ? 1 : 0) << j;
                minus |= (t < 0 ? 1 : 0) << j;
            }
            long at = base + byteOffset(c0);
            dst.set(ValueLayout.JAVA_BYTE, at, (byte) plus);
            dst.set(ValueLayout.JAVA_BYTE, at + PLANE_BYTES, (byte) minus);
        }
    }

    @Override
    public int trit(MemorySegment packed, int rows, int cols, int row, int col) {
        long at = row * rowBytes(cols) + byteOffset(col);
        int bit = col & 7;
        int plus = (packed.get(ValueLayout.JAVA_BYTE, at) >>> bit) & 1;
        int minus = (packed.get(ValueLayout.JAVA_BYTE, at + PLANE_BYTES) >>> bit) & 1;
        return plus - minus;
    }

    /**
     * Offset in its row of the plus-plane word (little-endian) of columns {@code 64n .. 64n+63}; the minus-plane word
     * is {@link #PLANE_BYTES} further.
     */
    public static long wordOffset(int n) {
        return byteOffset(64 * n);
    }

    /** Offset in its row of the plus-plane byte holding column {@code col}. */
    private static long byteOffset(int col) {
        return (long) (col / BLOCK_COLS) * BLOCK_BYTES + (col % BLOCK_COLS) / 8;
    }
}

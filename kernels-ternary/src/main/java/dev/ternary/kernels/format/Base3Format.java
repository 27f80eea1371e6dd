package dev.ternary.kernels.format;

import dev.ternary.kernels.simd.KernelSpecies;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * 1.6-bit ternary layout: 5 trits per byte (3^5 = 243 <= 256), as in ggml's TQ1_0.
 *
 * <p>Each row is cut into blocks of {@link #BLOCK_COLS} columns stored in {@link #BLOCK_BYTES} bytes, one vector of the
 * kernels' width; byte {@code j} of a block holds the trits of columns {@code BLOCK_BYTES * k + j}, {@code k = 0..4}.
 * The byte is the base-3 number
 * {@code v = sum_k (T_k + 1) * 3^(4-k)} stored as the fixed-point fraction {@code ceil(v * 256 / 243)} (TQ1_0's
 * trick): digit {@code k} then comes out as {@code ((b * 3^k) mod 256) * 3 >> 8}, with no division. A kernel gets
 * {@code (b * 3^k) mod 256} by adding a byte to itself three times per digit, and the digit's two bits by two unsigned
 * comparisons: {@code digit >= 1} iff {@code x >= 86}, {@code digit == 2} iff {@code x >= 171}.
 *
 * <p>Columns are padded to a multiple of {@link #BLOCK_COLS} with the trit 0; rows are not padded. The layout is built
 * in memory by the JVM that runs the kernels, never stored, so its block may follow the vector width: 64 bytes (320
 * columns) with 512-bit vectors, 32 bytes (160 columns) otherwise. The smaller block pads less: a 2048-column row
 * takes 416 bytes instead of 448, 1.63 bits per weight instead of 1.75 (docs/BENCHMARKS.md, session 21).
 */
public final class Base3Format implements TernaryFormat {
    /** Trits per byte. */
    public static final int TRITS_PER_BYTE = 5;
    /** Bytes per block: one vector of the kernels' width, at least 32 (a 128-bit kernel reads a block in two). */
    public static final int BLOCK_BYTES = Math.max(32, KernelSpecies.BYTE.vectorByteSize());
    /** Columns per block. */
    public static final int BLOCK_COLS = TRITS_PER_BYTE * BLOCK_BYTES;

    private static final int[] POW3 = {1, 3, 9, 27, 81};
    /** The byte holding five zero trits (all digits 1). */
    static final byte ZERO_BYTE = encode(new int[] {1, 1, 1, 1, 1});

    /** The one instance is {@link TernaryFormat}'s constant. */
    Base3Format() {}

    @Override
    public String name() {
        return "base3";
    }

    @Override
    public double bitsPerWeight() {
        return 1.6;
    }

    @Override
    public int paddedCols(int cols) {
        return Math.ceilDiv(cols, BLOCK_COLS) * BLOCK_COLS;
    }

    /** Bytes per row. */
    public long rowBytes(int cols) {
        return (long) paddedCols(cols) / TRITS_PER_BYTE;
    }

    @Override
    public long packedBytes(int rows, int cols) {
        return rows * rowBytes(cols);
    }

    @Override
    public void fillZero(MemorySegment dst, int rows, int cols) {
        dst.asSlice(0, packedBytes(rows, cols)).fill(ZERO_BYTE);
    }

    /** Encodes five digits (0..2, most significant first) as the fixed-point byte. */
    static byte encode(int[] digits) {
        int v = 0;
        for (int k = 0; k < TRITS_PER_BYTE; k++) {
            v += digits[k] * POW3[4 - k];
        }
        return fixedPoint(v);
    }

    /** The fixed-point byte {@code ceil(v * 256 / 243)} of a base-3 value {@code v} in [0, 243). */
    private static byte fixedPoint(int v) {
        return (byte) ((v * 256 + 242) / 243);
    }

    /** Digit {@code k} (0..2) of a fixed-point byte. */
    public static int digit(byte b, int k) {
        int x = ((b & 0xFF) * POW3[k]) & 0xFF;
        return (x * 3) >> 8;
    }

    @Override
    public void packRow(byte[] rowTrits, int rowOffset, int rows, int cols, int row, MemorySegment dst) {
        TernaryFormat.checkTrits(rowTrits, rowOffset, cols, row);
        long base = row * rowBytes(cols);
        int blocks = paddedCols(cols) / BLOCK_COLS;
        for (int blk = 0; blk < blocks; blk++) {
            for (int j = 0; j < BLOCK_BYTES; j++) {
                int value = 0;
                for (int k = 0; k < TRITS_PER_BYTE; k++) {
                    int c = blk * BLOCK_COLS + BLOCK_BYTES * k + j;
                    value = 3 * value + (c < cols ? rowTrits[rowOffset + c] + 1 : 1);
                }
                dst.set(ValueLayout.JAVA_BYTE, base + (long) blk * BLOCK_BYTES + j, fixedPoint(value));
            }
        }
    }

    @Override
    public int trit(MemorySegment packed, int rows, int cols, int row, int col) {
        int blk = col / BLOCK_COLS;
        int within = col % BLOCK_COLS;
        byte b = packed.get(ValueLayout.JAVA_BYTE, row * rowBytes(cols) + (long) blk * BLOCK_BYTES
                + within % BLOCK_BYTES);
        return digit(b, within / BLOCK_BYTES) - 1;
    }
}

package dev.ternary.kernels.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * 2-bit ternary layout for table-lookup kernels (the idea of T-MAC and bitnet.cpp's TL kernels: weights index
 * tables precomputed from the activations, instead of multiplying).
 *
 * <p>Rows are grouped in blocks of {@value #ROW_BLOCK}; a block stores, for each quad of 4 columns, 16 bytes, one per
 * row of the block. In the byte of row {@code r} and quad {@code j}, bits {@code 2i..2i+1} hold the code
 * {@code T[r, 4j + i] + 1} (0, 1, 2 for -1, 0, +1). So the low nibble indexes the 9 combinations of the column pair
 * {@code (4j, 4j+1)} and the high nibble those of {@code (4j+2, 4j+3)}: 16 rows' nibbles make one vector of indices
 * into a 16-entry table of that pair's partial sums, one byte shuffle per 32 weights.
 *
 * <p>Rows are padded to a multiple of 16 and columns to a multiple of {@value #COL_ALIGN} with the trit 0 (byte
 * {@code 0x55}). Each 16-row block is {@code 4 * paddedCols} bytes, so blocks stay 64-byte aligned.
 */
public final class Lut2Format implements TernaryFormat {
    /** Rows per block (lanes of one 128-bit byte shuffle). */
    public static final int ROW_BLOCK = 16;
    /** Column padding: 8 quads, so every supported vector width reads an even number of whole vectors per block. */
    public static final int COL_ALIGN = 32;

    /** The one instance is {@link TernaryFormat}'s constant. */
    Lut2Format() {}

    @Override
    public String name() {
        return "lut2";
    }

    @Override
    public double bitsPerWeight() {
        return 2.0;
    }

    @Override
    public int paddedRows(int rows) {
        return Math.ceilDiv(rows, ROW_BLOCK) * ROW_BLOCK;
    }

    @Override
    public int paddedCols(int cols) {
        return Math.ceilDiv(cols, COL_ALIGN) * COL_ALIGN;
    }

    @Override
    public long packedBytes(int rows, int cols) {
        return (long) paddedRows(rows) * paddedCols(cols) / 4;
    }

    /** Bytes of one 16-row block. */
    public long blockBytes(int cols) {
        return 4L * paddedCols(cols);
    }

    @Override
    public void fillZero(MemorySegment dst, int rows, int cols) {
        dst.asSlice(0, packedBytes(rows, cols)).fill((byte) 0x55);
    }

    private long byteOffset(int cols, int row, int col) {
        return (row / ROW_BLOCK) * blockBytes(cols) + (long) (col >>> 2) * ROW_BLOCK + (row % ROW_BLOCK);
    }

    @Override
    public void packRow(byte[] rowTrits, int rowOffset, int rows, int cols, int row, MemorySegment dst) {
        TernaryFormat.checkTrits(rowTrits, rowOffset, cols, row);
        long at = byteOffset(cols, row, 0);
        int c = 0;
        for (; c + 4 <= cols; c += 4, at += ROW_BLOCK) {
            int o = rowOffset + c;
            int b = (rowTrits[o] + 1) | (rowTrits[o + 1] + 1) << 2 | (rowTrits[o + 2] + 1) << 4
                    | (rowTrits[o + 3] + 1) << 6;
            dst.set(ValueLayout.JAVA_BYTE, at, (byte) b);
        }
        if (c < cols) {
            int b = 0x55;
            for (int i = 0; c + i < cols; i++) {
                b = (b & ~(3 << (2 * i))) | (rowTrits[rowOffset + c + i] + 1) << (2 * i);
            }
            dst.set(ValueLayout.JAVA_BYTE, at, (byte) b);
        }
    }

    /**
     * Writes the four rows {@code r, r + quarter, r + 2 quarter, r + 3 quarter} held by row {@code r} of Hugging Face's
     * packed tensor ({@link HfBitNetLayout}, its codes already checked by
     * {@link HfBitNetLayout#requireValidCodes}). Both layouts store the code
     * {@code T + 1} in 2 bits: four packed bytes (a quad's columns, code of row {@code i} in bits {@code 2i}) are a
     * 4 x 4 matrix of codes whose transpose is the four rows' bytes for that quad, so no trit is unpacked (2.4x faster
     * than unpacking and packing each row, docs/BENCHMARKS.md, session 21).
     */
    public void packHfRow(byte[] hfRow, int r, int quarter, int cols, MemorySegment dst) {
        long[] at = new long[HfBitNetLayout.TRITS_PER_BYTE];
        for (int i = 0; i < at.length; i++) {
            at[i] = byteOffset(cols, i * quarter + r, 0);
        }
        for (int c = 0; c < cols; c += 4) {
            int x = 0;
            for (int k = 0; k < 4; k++) {
                // a padding column gets the code of trit 0 in every row
                x |= (c + k < cols ? hfRow[c + k] & 0xFF : 0x55) << (8 * k);
            }
            x = transposeCodes(x);
            long quad = (long) (c >>> 2) * ROW_BLOCK;
            for (int i = 0; i < at.length; i++) {
                dst.set(ValueLayout.JAVA_BYTE, at[i] + quad, (byte) (x >>> (8 * i)));
            }
        }
    }

    /**
     * Transposes the 4 x 4 matrix of 2-bit codes in {@code x} (code {@code (k, i)} in bits {@code 8k + 2i}) with two
     * delta swaps: the off-diagonal 2 x 2 blocks, then the off-diagonal codes within each block.
     */
    static int transposeCodes(int x) {
        int t = ((x >>> 12) ^ x) & 0x0000F0F0;
        x ^= t ^ (t << 12);
        t = ((x >>> 6) ^ x) & 0x00CC00CC;
        return x ^ t ^ (t << 6);
    }

    @Override
    public int trit(MemorySegment packed, int rows, int cols, int row, int col) {
        int b = packed.get(ValueLayout.JAVA_BYTE, byteOffset(cols, row, col));
        return ((b >>> (2 * (col & 3))) & 3) - 1;
    }

    /**
     * Splits an activation into the two table planes: {@code q = 16 * high + low} with {@code high} in [-8, 8] and
     * {@code low} in [-8, 7], so a table entry over a column pair stays within [-16, 16] and several can be summed
     * in int8 lanes before widening. Returns {@code high}.
     */
    public static int highPart(int q) {
        return (q + 8) >> 4;
    }

    /** The low part matching {@link #highPart}. */
    public static int lowPart(int q) {
        return q - 16 * highPart(q);
    }
}

package dev.ternary.kernels.format;

import java.lang.foreign.MemorySegment;

/**
 * An in-memory packing of a ternary matrix {@code T[rows, cols]} (values -1, 0, +1), in the spirit of ggml's type
 * traits: geometry, pack, unpack and a scalar reference dot product, all in one small value. The SIMD kernels that
 * read a format live in {@code dev.ternary.kernels.ternary}; this reference {@link #dot} is what they are tested
 * against bit for bit.
 *
 * <p>Padding rows and columns always hold the trit 0, so they add nothing whatever the activations there.
 *
 * <p>The constants below are the only instances, created here rather than in each class: a format class whose static
 * initializer runs first would otherwise initialize this interface (it has default methods) while its own instance
 * field was still null, and the constant would stay null.
 */
public sealed interface TernaryFormat permits Lut2Format, Base3Format, BitPlaneFormat, BitSliceFormat {

    /** The 2-bit lookup-table format (fastest without AVX-512 VPOPCNTDQ). */
    TernaryFormat TWO_BIT = new Lut2Format();

    /** The base-3 format, 5 trits per byte (1.6 bits per weight). */
    TernaryFormat BASE3 = new Base3Format();

    /** The 2-bit bit-plane format, for popcount kernels (fastest where AVX-512 has {@code vpopcntq}). */
    TernaryFormat BIT_PLANE = new BitPlaneFormat();

    /** The 1.6-bit bit-sliced format for popcount kernels (5 trits per 8-bit code, 8 rows per vector). */
    TernaryFormat BIT_SLICE = new BitSliceFormat();

    /** Short name, e.g. {@code "lut2"}. */
    String name();

    /** Storage bits per weight, padding excluded. */
    double bitsPerWeight();

    /** Row count after padding: rows are not padded unless a format groups them. */
    default int paddedRows(int rows) {
        return rows;
    }

    /** Column count after padding. */
    int paddedCols(int cols);

    /** Bytes needed for a {@code rows x cols} matrix, padding included. */
    long packedBytes(int rows, int cols);

    /** Fills {@code dst} (of {@link #packedBytes} bytes) with the all-zero matrix, padding included. */
    void fillZero(MemorySegment dst, int rows, int cols);

    /** Writes row {@code row} ({@code cols} trits in {-1, 0, 1}) into {@code dst}. */
    void packRow(byte[] rowTrits, int rowOffset, int rows, int cols, int row, MemorySegment dst);

    /** The trit at {@code (row, col)}. */
    int trit(MemorySegment packed, int rows, int cols, int row, int col);

    /** Packs a row-major trit matrix into {@code dst}. */
    default void pack(byte[] trits, int rows, int cols, MemorySegment dst) {
        if (trits.length != (long) rows * cols) {
            throw new IllegalArgumentException("trits has " + trits.length + " values, expected " + (long) rows * cols);
        }
        fillZero(dst, rows, cols);
        for (int r = 0; r < rows; r++) {
            packRow(trits, r * cols, rows, cols, r, dst);
        }
    }

    /** Unpacks to a row-major trit matrix. */
    default byte[] unpack(MemorySegment packed, int rows, int cols) {
        byte[] trits = new byte[Math.multiplyExact(rows, cols)];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                trits[r * cols + c] = (byte) trit(packed, rows, cols, r, c);
            }
        }
        return trits;
    }

    /**
     * Scalar reference: the exact integer {@code sum_c T[row, c] * q[qOffset + c]} over the {@code cols} columns.
     */
    default int dot(MemorySegment packed, int rows, int cols, int row, byte[] q, int qOffset) {
        int sum = 0;
        for (int c = 0; c < cols; c++) {
            sum += trit(packed, rows, cols, row, c) * q[qOffset + c];
        }
        return sum;
    }

    /**
     * Rejects a row holding a value outside {-1, 0, 1}, naming the first. One branch-free pass, so that a packer's
     * own loop needs no check per trit (one per trit was most of loading a model, docs/BENCHMARKS.md, session 21).
     */
    static void checkTrits(byte[] trits, int offset, int cols, int row) {
        int outside = 0;
        for (int c = 0; c < cols; c++) {
            int t = trits[offset + c];
            outside |= (1 - t) | (t + 1); // negative iff t > 1 or t < -1
        }
        if (outside < 0) {
            for (int c = 0; c < cols; c++) {
                checkTrit(trits[offset + c], row, c);
            }
        }
    }

    static void checkTrit(int t, int row, int col) {
        if (t < -1 || t > 1) {
            throw new IllegalArgumentException("not a trit: " + t + " at row " + row + ", column " + col);
        }
    }
}

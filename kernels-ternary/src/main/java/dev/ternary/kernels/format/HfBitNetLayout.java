package dev.ternary.kernels.format;

/**
 * The on-disk layout Hugging Face transformers uses for offline-quantized BitNet linears
 * ({@code integrations/bitnet.py}, {@code pack_weights}/{@code unpack_weights}).
 *
 * <p>A ternary matrix {@code T[rows, cols]} with {@code rows % 4 == 0} is stored as a U8 tensor of shape
 * {@code [rows/4, cols]}: bits {@code 2i..2i+1} of {@code packed[r, c]} hold {@code T[i*rows/4 + r, c] + 1}, so the
 * codes 0, 1, 2 stand for -1, 0, +1. Code 3 never appears in a valid file. The four trits sharing a byte come
 * from four rows a quarter of the matrix apart, which lets a writer emit one packed row from four source rows
 * without holding the whole matrix.
 */
public final class HfBitNetLayout {
    /** Trits per packed byte. */
    public static final int TRITS_PER_BYTE = 4;

    private HfBitNetLayout() {}

    /** Rows of the packed U8 tensor for a ternary matrix of {@code rows} rows. */
    public static int packedRows(int rows) {
        requirePackable(rows);
        return rows / TRITS_PER_BYTE;
    }

    /** Whether a matrix with this many output rows can be stored in this layout. */
    public static boolean isPackable(long rows) {
        return rows > 0 && rows % TRITS_PER_BYTE == 0;
    }

    /**
     * Packs one row of the U8 tensor from the four source rows {@code r, r+q, r+2q, r+3q} ({@code q = rows/4}).
     *
     * @param quarterRows the four source rows, each {@code cols} trits in {-1, 0, 1}, ordered by quarter
     * @param dst         receives {@code cols} packed bytes starting at {@code dstOffset}
     */
    public static void packRow(byte[][] quarterRows, int cols, byte[] dst, int dstOffset) {
        if (quarterRows.length != TRITS_PER_BYTE) {
            throw new IllegalArgumentException("need 4 quarter rows, got " + quarterRows.length);
        }
        byte[] t0 = quarterRows[0], t1 = quarterRows[1], t2 = quarterRows[2], t3 = quarterRows[3];
        for (int c = 0; c < cols; c++) {
            dst[dstOffset + c] = (byte) ((t0[c] + 1) | (t1[c] + 1) << 2 | (t2[c] + 1) << 4 | (t3[c] + 1) << 6);
        }
    }

    /** Packs a whole row-major trit matrix; returns {@code rows/4 * cols} bytes. */
    public static byte[] pack(byte[] trits, int rows, int cols) {
        int packedRows = packedRows(rows);
        requireLength(trits, (long) rows * cols, "trits");
        byte[] packed = new byte[Math.multiplyExact(packedRows, cols)];
        byte[][] quarters = new byte[TRITS_PER_BYTE][cols];
        for (int r = 0; r < packedRows; r++) {
            for (int i = 0; i < TRITS_PER_BYTE; i++) {
                System.arraycopy(trits, (i * packedRows + r) * cols, quarters[i], 0, cols);
            }
            packRow(quarters, cols, packed, r * cols);
        }
        return packed;
    }

    /**
     * Unpacks to a row-major trit matrix of {@code rows x cols}.
     *
     * @throws IllegalArgumentException if a byte holds the invalid code 3
     */
    public static byte[] unpack(byte[] packed, int rows, int cols) {
        int packedRows = packedRows(rows);
        requireLength(packed, (long) packedRows * cols, "packed");
        byte[] trits = new byte[Math.multiplyExact(rows, cols)];
        for (int r = 0; r < packedRows; r++) {
            requireValidCodes(packed, r * cols, cols, r);
            for (int c = 0; c < cols; c++) {
                int b = packed[r * cols + c] & 0xFF;
                for (int i = 0; i < TRITS_PER_BYTE; i++) {
                    trits[(i * packedRows + r) * cols + c] = (byte) (((b >>> (2 * i)) & 3) - 1);
                }
            }
        }
        return trits;
    }

    /**
     * Rejects packed row {@code r} ({@code cols} bytes from {@code offset}) if a byte holds the code 3 (both bits of a
     * pair set), naming the first. One branch-free pass, so that the unpacking loops after it need no exit.
     *
     * @throws IllegalArgumentException if a byte holds the invalid code 3
     */
    public static void requireValidCodes(byte[] packed, int offset, int cols, int r) {
        int both = 0;
        for (int c = 0; c < cols; c++) {
            int b = packed[offset + c];
            both |= b & (b >>> 1) & 0x55;
        }
        if (both != 0) {
            for (int c = 0; c < cols; c++) {
                int b = packed[offset + c];
                if ((b & (b >>> 1) & 0x55) != 0) {
                    throw new IllegalArgumentException(
                            "invalid trit code 3 in packed byte at row " + r + ", column " + c);
                }
            }
        }
    }

    /** The trit stored for {@code T[row, col]} in a packed array. */
    public static int tritAt(byte[] packed, int rows, int cols, int row, int col) {
        int packedRows = packedRows(rows);
        int quarter = row / packedRows;
        int b = packed[(row - quarter * packedRows) * cols + col] & 0xFF;
        return ((b >>> (2 * quarter)) & 3) - 1;
    }

    private static void requirePackable(long rows) {
        if (!isPackable(rows)) {
            throw new IllegalArgumentException("rows must be a positive multiple of 4, got " + rows);
        }
    }

    private static void requireLength(byte[] array, long expected, String what) {
        if (array.length != expected) {
            throw new IllegalArgumentException(what + " has " + array.length + " bytes, expected " + expected);
        }
    }
}

package dev.ternary.kernels.ternary;

import dev.ternary.kernels.format.Base3Format;
import dev.ternary.kernels.format.Lut2Format;

/**
 * What {@link TokenLaneGemm} needs to know about a format: the packed weight byte is its table index, so per format
 * it needs the bytes' positions in a row, the columns a byte covers, and the trits of every byte value.
 *
 * <p>A byte's {@link #trits} digits (trit + 1, in 0..2), read as a base-3 number with digit 0 the most significant, are
 * its key; {@link #byteOf} maps each key to a byte value holding those digits.
 */
enum TokenLaneLayout {
    /** {@link Lut2Format}: a byte is 4 consecutive columns of one row; a row's bytes are 16 apart. */
    LUT2(4) {
        @Override
        int digit(int b, int k) {
            int code = (b >>> (2 * k)) & 3;
            return code == 3 ? 1 : code; // code 3 never occurs in valid data; as in Lut2Kernel it counts as 0
        }

        @Override
        boolean occurs(int b) {
            for (int k = 0; k < 4; k++) {
                if (((b >>> (2 * k)) & 3) == 3) {
                    return false;
                }
            }
            return true;
        }
    },
    /**
     * {@link Base3Format}: byte {@code j} of a block holds columns {@code BLOCK_BYTES * k + j}; a row's bytes are
     * adjacent.
     */
    BASE3(Base3Format.TRITS_PER_BYTE) {
        @Override
        int column(int position, int k) {
            int block = position / Base3Format.BLOCK_BYTES;
            return block * Base3Format.BLOCK_COLS + Base3Format.BLOCK_BYTES * k + position % Base3Format.BLOCK_BYTES;
        }

        @Override
        int digit(int b, int k) {
            return Base3Format.digit((byte) b, k);
        }

        @Override
        boolean occurs(int b) {
            return true; // 13 values are never written by the packer; they get the entry of the trits they decode to
        }
    };

    /** Trits per byte. */
    final int trits;
    /** The byte value of each key ({@code 3^trits} of them). */
    final int[] byteOf;
    /** Further byte values with the same trits as an earlier one: pairs (byte, earlier byte) to copy entries. */
    final int[] twins;

    TokenLaneLayout(int trits) {
        this.trits = trits;
        int keys = 1;
        for (int k = 0; k < trits; k++) {
            keys *= 3;
        }
        this.byteOf = new int[keys];
        java.util.Arrays.fill(byteOf, -1);
        int[] pairs = new int[512];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!occurs(b)) {
                continue;
            }
            int key = 0;
            for (int k = 0; k < trits; k++) {
                key = 3 * key + digit(b, k);
            }
            if (byteOf[key] < 0) {
                byteOf[key] = b;
            } else {
                pairs[n++] = b;
                pairs[n++] = byteOf[key];
            }
        }
        for (int key = 0; key < byteOf.length; key++) {
            if (byteOf[key] < 0) {
                throw new IllegalStateException(this + ": no byte holds trit pattern " + key);
            }
        }
        this.twins = java.util.Arrays.copyOf(pairs, n);
    }

    /** Table positions (packed bytes) per row for the padded column count. */
    int positions(int paddedCols) {
        return paddedCols / trits;
    }

    /** The column of trit {@code k} of the byte at {@code position}: consecutive columns unless a layout says not. */
    int column(int position, int k) {
        return trits * position + k;
    }

    /** Digit {@code k} (trit + 1) of byte value {@code b}. */
    abstract int digit(int b, int k);

    /** Whether byte value {@code b} can occur in packed data (only those table entries are filled). */
    abstract boolean occurs(int b);
}

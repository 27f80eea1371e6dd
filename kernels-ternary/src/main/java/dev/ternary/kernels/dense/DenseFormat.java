package dev.ternary.kernels.dense;

/** Element types of the dense baselines. */
public enum DenseFormat {
    /** IEEE fp32, 4 bytes per weight. */
    F32(4),
    /** bfloat16 (the upper half of an fp32), 2 bytes per weight. */
    BF16(2),
    /** int8 with one fp32 scale per row (Q8), 1 byte per weight. */
    Q8(1);

    private final int bytes;

    DenseFormat(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per weight (row scales excluded). */
    public int bytesPerWeight() {
        return bytes;
    }
}

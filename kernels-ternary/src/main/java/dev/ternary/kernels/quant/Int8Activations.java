package dev.ternary.kernels.quant;

/**
 * A block of per-token int8-quantized activations, written by {@link ActivationQuantizer} and read by the ternary
 * kernels. Allocate once per shape and reuse: quantizing into it allocates nothing.
 *
 * <p>Each token's row is {@link #stride()} bytes, the column count rounded up to {@link #COLUMN_ALIGN} and
 * zero-padded, so every kernel format can read whole vectors past the last real column (zero activations make the
 * padding contribute nothing). Kernel-specific views derived from {@code q} (lookup tables, biased copies) are cached
 * here per token and rebuilt after the token is quantized again.
 */
public final class Int8Activations {
    /** Rows are padded to a multiple of this many columns (a multiple of every format's block width). */
    public static final int COLUMN_ALIGN = 320;

    private final int cols;
    private final int stride;
    private final int capacity;
    private final byte[] q;
    private final float[] absMax;
    private final int[] version;
    private final Object[] derived = new Object[4];
    private final int[][] derivedVersion = new int[4][];

    /**
     * @param cols     activation length (the matrices' column count)
     * @param capacity maximum number of tokens held
     */
    public Int8Activations(int cols, int capacity) {
        if (cols <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("cols and capacity must be positive: " + cols + ", " + capacity);
        }
        this.cols = cols;
        this.stride = Math.ceilDiv(cols, COLUMN_ALIGN) * COLUMN_ALIGN;
        this.capacity = capacity;
        this.q = new byte[Math.multiplyExact(stride, capacity)];
        this.absMax = new float[capacity];
        this.version = new int[capacity];
    }

    /** Number of real columns. */
    public int cols() {
        return cols;
    }

    /** Bytes between consecutive tokens in {@link #q()}. */
    public int stride() {
        return stride;
    }

    /** Maximum number of tokens. */
    public int capacity() {
        return capacity;
    }

    /** The quantized values, token {@code t} at {@code [t * stride, t * stride + cols)}; the padding stays zero. */
    public byte[] q() {
        return q;
    }

    /** {@code max|x|} of token {@code t} (clamped to at least 1e-5), as used for its quantization. */
    public float absMax(int token) {
        return absMax[token];
    }

    /** The factor turning an integer dot product of token {@code t} back into activation units: {@code max|x| / 127}. */
    public float dequantScale(int token) {
        return absMax[token] / 127f;
    }

    void set(int token, float max) {
        absMax[token] = max;
        version[token]++;
    }

    /**
     * A kernel's cached per-token view of these activations (slot {@code 0..3}, one per kernel kind), rebuilt by
     * {@code builder} when the token was quantized again since it was last built.
     */
    public <T> T derived(int slot, int token, DerivedView<T> builder) {
        int[] seen = derivedVersion[slot];
        if (seen == null) {
            seen = derivedVersion[slot] = new int[capacity];
            java.util.Arrays.fill(seen, -1);
        }
        @SuppressWarnings("unchecked")
        T view = (T) derived[slot];
        if (view == null) {
            view = builder.allocate(this);
            derived[slot] = view;
        }
        if (seen[token] != version[token]) {
            builder.build(this, token, view);
            seen[token] = version[token];
        }
        return view;
    }

    /** How a kernel derives and caches its own form of the activations. */
    public interface DerivedView<T> {
        /** Allocates the view for all tokens (once). */
        T allocate(Int8Activations activations);

        /** Fills the view's part for one token. */
        void build(Int8Activations activations, int token, T view);
    }
}

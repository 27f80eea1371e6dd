package dev.ternary.kernels.dense;

import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.parallel.RangeTask;
import dev.ternary.kernels.simd.KernelSpecies;
import dev.ternary.kernels.simd.VectorModule;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * A dense weight matrix {@code W[rows = out, cols = in]} off-heap (64-byte aligned) in fp32, bf16 or Q8, with
 * Vector API GEMV/GEMM over fp32 activations: the honest baseline for the ternary kernels and the runtime's path for
 * full-precision layers (embeddings, lm_head, norms-adjacent matmuls).
 *
 * <p>Each output is an FMA chain per vector lane over the full vectors of a row, the lanes then summed in order, then
 * a scalar FMA tail: {@link #gemvScalar} replays exactly that order, so SIMD and scalar agree bit for bit. Q8 rows
 * are dequantized as {@code scale[r] * sum_c w[r, c] * x[c]} (scale applied once after the dot product).
 *
 * <p>Rows are split across a {@link KernelThreads}; GEMM reuses each loaded weight vector for 4 tokens. Calls allocate
 * nothing; a matrix is not safe for concurrent calls.
 */
public final class DenseMatrix implements AutoCloseable {
    static {
        VectorModule.require();
    }

    private static final VectorSpecies<Float> F = KernelSpecies.FLOAT;
    private static final int V = F.length();
    private static final VectorSpecies<Short> S_HALF = ShortVector.SPECIES_MAX.withShape(
            VectorShape.forBitSize(Math.max(64, F.vectorBitSize() / 2)));
    private static final VectorSpecies<Integer> I_FULL = IntVector.SPECIES_MAX.withShape(F.vectorShape());
    private static final VectorSpecies<Byte> B_QUARTER = ByteVector.SPECIES_MAX.withShape(
            VectorShape.forBitSize(Math.max(64, F.vectorBitSize() / 4)));
    /** Q8 loads 2V weight bytes at once and widens them into two float vectors (parts 0 and 1). */
    private static final VectorSpecies<Byte> B_HALF = ByteVector.SPECIES_MAX.withShape(
            VectorShape.forBitSize(Math.max(64, F.vectorBitSize() / 2)));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Tokens sharing one weight vector load in GEMM. */
    static final int TOKEN_TILE = 4;

    private final DenseFormat format;
    private final int rows;
    private final int cols;
    private final Arena arena;
    private final boolean ownsArena;
    private final MemorySegment data;
    private final long bytes;
    private final float[] rowScale; // Q8 only
    private final Job job = new Job();

    private DenseMatrix(DenseFormat format, int rows, int cols, Arena arena, boolean owns) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("rows and cols must be positive: " + rows + " x " + cols);
        }
        this.format = format;
        this.rows = rows;
        this.cols = cols;
        this.arena = arena;
        this.ownsArena = owns;
        this.bytes = (long) rows * cols * format.bytesPerWeight();
        // 64 bytes of slack: a narrow Q8 load may read past the last full vector of the last row
        this.data = arena.allocate(bytes + 64, 64);
        this.rowScale = format == DenseFormat.Q8 ? new float[rows] : null;
    }

    /** An all-zero matrix with its own arena; fill it with {@link #setRow} or through {@link #data()}. */
    public static DenseMatrix allocate(DenseFormat format, int rows, int cols) {
        return new DenseMatrix(format, rows, cols, Arena.ofShared(), true);
    }

    /** As {@link #allocate(DenseFormat, int, int)}, in the caller's arena. */
    public static DenseMatrix allocate(DenseFormat format, int rows, int cols, Arena arena) {
        return new DenseMatrix(format, rows, cols, arena, false);
    }

    /**
     * Converts row-major fp32 weights: bf16 rounds to nearest even; Q8 uses per-row absmax
     * ({@code scale = max|w| / 127}, {@code w8 = rint(w / scale)}).
     */
    public static DenseMatrix fromFloats(DenseFormat format, float[] w, int rows, int cols) {
        if (w.length != (long) rows * cols) {
            throw new IllegalArgumentException("weights have " + w.length + " values, expected " + (long) rows * cols);
        }
        DenseMatrix m = allocate(format, rows, cols);
        for (int r = 0; r < rows; r++) {
            m.setRow(r, w, r * cols);
        }
        return m;
    }

    /** Wraps raw bf16 bits (e.g. a mapped safetensors tensor) by copying them into a new matrix. */
    public static DenseMatrix fromBf16(MemorySegment bf16, int rows, int cols) {
        DenseMatrix m = allocate(DenseFormat.BF16, rows, cols);
        MemorySegment.copy(bf16, 0, m.data, 0, m.bytes);
        return m;
    }

    /** A copy with its own arena. */
    public DenseMatrix copy() {
        DenseMatrix m = allocate(format, rows, cols);
        MemorySegment.copy(data, 0, m.data, 0, bytes);
        if (rowScale != null) {
            System.arraycopy(rowScale, 0, m.rowScale, 0, rows);
        }
        return m;
    }

    /** Writes row {@code r} from fp32 values. */
    public void setRow(int r, float[] w, int offset) {
        long base = (long) r * cols;
        switch (format) {
            case F32 -> MemorySegment.copy(w, offset, data, ValueLayout.JAVA_FLOAT_UNALIGNED, base * 4, cols);
            case BF16 -> {
                for (int c = 0; c < cols; c++) {
                    data.set(ValueLayout.JAVA_SHORT_UNALIGNED, (base + c) * 2, toBf16(w[offset + c]));
                }
            }
            case Q8 -> {
                float max = 0f;
                for (int c = 0; c < cols; c++) {
                    max = Math.max(max, Math.abs(w[offset + c]));
                }
                float scale = max == 0f ? 1f : max / 127f;
                rowScale[r] = scale;
                for (int c = 0; c < cols; c++) {
                    float q = (float) Math.rint(w[offset + c] / scale);
                    data.set(ValueLayout.JAVA_BYTE, base + c, (byte) Math.max(-127f, Math.min(127f, q)));
                }
            }
        }
    }

    /** Sets the scale of Q8 row {@code r} (when filling {@link #data()} directly). */
    public void setRowScale(int r, float scale) {
        rowScale[r] = scale;
    }

    /** fp32 to bf16 bits, round to nearest even (NaN kept quiet). */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** Dequantized row {@code r} into {@code dst[offset..offset+cols)}: the embedding lookup. */
    public void row(int r, float[] dst, int offset) {
        long base = (long) r * cols;
        for (int c = 0; c < cols; c++) {
            dst[offset + c] = weight(base + c, r);
        }
    }

    private float weight(long index, int r) {
        return switch (format) {
            case F32 -> data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, index * 4);
            case BF16 -> Float.intBitsToFloat(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, index * 2) << 16);
            case Q8 -> data.get(ValueLayout.JAVA_BYTE, index) * rowScale[r];
        };
    }

    public DenseFormat format() {
        return format;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The raw weights, row-major ({@link #byteSize()} bytes). */
    public MemorySegment data() {
        return data.asSlice(0, bytes);
    }

    /** Bytes a GEMV streams. */
    public long byteSize() {
        return bytes;
    }

    /** {@code y[0..rows) = W x[0..cols)}. */
    public void gemv(KernelThreads threads, float[] x, float[] y) {
        check(x, 1, y);
        job.set(x, 1, y);
        threads.runClaimed(rows, threads.grain(rows, 1), job);
        job.clear();
    }

    /** {@code y[t * rows + r] = (W x_t)[r]} for tokens {@code x_t = x[t * cols ..]}, {@code t < tokens}. */
    public void gemm(KernelThreads threads, float[] x, int tokens, float[] y) {
        check(x, tokens, y);
        job.set(x, tokens, y);
        threads.runClaimed(rows, threads.grain(rows, 1), job);
        job.clear();
    }

    /** Scalar twin of {@link #gemv} (and of each token of {@link #gemm}). */
    public void gemvScalar(float[] x, int xOffset, float[] y, int yOffset) {
        if (format == DenseFormat.Q8) {
            for (int r = 0; r < rows; r++) {
                y[yOffset + r] = q8DotScalar((long) r * cols, x, xOffset) * rowScale[r];
            }
            return;
        }
        float[] lanes = new float[V];
        int full = cols - cols % V;
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(lanes, 0f);
            long base = (long) r * cols;
            for (int c = 0; c < full; c += V) {
                for (int l = 0; l < V; l++) {
                    lanes[l] = Math.fma(raw(base + c + l), x[xOffset + c + l], lanes[l]);
                }
            }
            float sum = 0f;
            for (int l = 0; l < V; l++) {
                sum += lanes[l];
            }
            for (int c = full; c < cols; c++) {
                sum = Math.fma(raw(base + c), x[xOffset + c], sum);
            }
            y[yOffset + r] = sum;
        }
    }

    /**
     * Scalar twin of {@link #q8Dot}: two lane accumulators taking alternate blocks of V weights, added lane by lane,
     * lanes summed in order, then the tail.
     */
    private float q8DotScalar(long base, float[] x, int xOffset) {
        float[] even = new float[V];
        float[] odd = new float[V];
        int full = cols - cols % (2 * V);
        for (int c = 0; c < full; c += 2 * V) {
            for (int l = 0; l < V; l++) {
                even[l] = Math.fma(raw(base + c + l), x[xOffset + c + l], even[l]);
                odd[l] = Math.fma(raw(base + c + V + l), x[xOffset + c + V + l], odd[l]);
            }
        }
        float sum = 0f;
        for (int l = 0; l < V; l++) {
            sum += even[l] + odd[l];
        }
        for (int c = full; c < cols; c++) {
            sum = Math.fma(raw(base + c), x[xOffset + c], sum);
        }
        return sum;
    }

    /**
     * Σ w·x over one Q8 row (row scale not applied). Two independent accumulators: with one, the FMA latency chain
     * capped this GEMV at ~6 GB/s per thread; with two it reaches ~9 GB/s (standalone measurement, AVX2).
     */
    private float q8Dot(long base, float[] x, int xOffset, float[] lanes) {
        int full = cols - cols % (2 * V);
        FloatVector even = FloatVector.zero(F);
        FloatVector odd = even;
        for (int c = 0; c < full; c += 2 * V) {
            ByteVector b = ByteVector.fromMemorySegment(B_HALF, data, base + c, LE);
            FloatVector w0 = (FloatVector) ((IntVector) b.convertShape(VectorOperators.B2I, I_FULL, 0))
                    .convert(VectorOperators.I2F, 0);
            FloatVector w1 = (FloatVector) ((IntVector) b.convertShape(VectorOperators.B2I, I_FULL, 1))
                    .convert(VectorOperators.I2F, 0);
            even = w0.fma(FloatVector.fromArray(F, x, xOffset + c), even);
            odd = w1.fma(FloatVector.fromArray(F, x, xOffset + c + V), odd);
        }
        float sum = sumLanes(even.add(odd), lanes);
        for (int c = full; c < cols; c++) {
            sum = Math.fma(raw(base + c), x[xOffset + c], sum);
        }
        return sum;
    }

    private float raw(long index) {
        return switch (format) {
            case F32 -> data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, index * 4);
            case BF16 -> Float.intBitsToFloat(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, index * 2) << 16);
            case Q8 -> data.get(ValueLayout.JAVA_BYTE, index);
        };
    }

    private void check(float[] x, int tokens, float[] y) {
        if (tokens <= 0 || x.length < (long) tokens * cols || y.length < (long) tokens * rows) {
            throw new IllegalArgumentException("need x of " + (long) tokens * cols + " and y of " + (long) tokens * rows
                    + " floats, got " + x.length + " and " + y.length);
        }
    }

    private FloatVector load(long index) {
        return switch (format) {
            case F32 -> FloatVector.fromMemorySegment(F, data, index * 4, LE);
            case BF16 -> ((IntVector) ShortVector.fromMemorySegment(S_HALF, data, index * 2, LE)
                    .convertShape(VectorOperators.S2I, I_FULL, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            case Q8 -> (FloatVector) ByteVector.fromMemorySegment(B_QUARTER, data, index, LE)
                    .convertShape(VectorOperators.B2F, F, 0);
        };
    }

    private static float sumLanes(FloatVector acc, float[] lanes) {
        acc.intoArray(lanes, 0);
        float sum = 0f;
        for (int l = 0; l < V; l++) {
            sum += lanes[l];
        }
        return sum;
    }

    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[V]);

    /**
     * Q8 rows for any number of tokens, row-major so a row's bytes stay in L1 while every token reads them. Kept
     * out of {@link #rowsGemv}/{@link #rowsGemm}: growing those made C2 stop inlining their vector code.
     */
    private void rowsQ8(int from, int to, float[] x, int tokens, float[] y) {
        float[] lanes = LANES.get();
        int r = from;
        for (; r + 1 < to; r += 2) {
            for (int t = 0; t < tokens; t++) {
                q8DotPair(r, x, t * cols, lanes, y, t * rows + r);
            }
        }
        for (; r < to; r++) {
            for (int t = 0; t < tokens; t++) {
                y[t * rows + r] = q8Dot((long) r * cols, x, t * cols, lanes) * rowScale[r];
            }
        }
    }

    /**
     * {@link #q8Dot} of rows {@code r} and {@code r + 1} in one pass, scaled, into {@code y[yAt]} and
     * {@code y[yAt + 1]}: four independent FMA chains instead of two, and one activation load for both rows. Each
     * row's chains and order are those of {@link #q8Dot}, so the results are the same bit for bit. It widens with
     * one {@code B2F} conversion per half: with {@code B2I} then {@code I2F}, as in {@link #q8Dot}, this larger method
     * went past C2's inlining budget and decode allocated boxed vectors (DecodeAllocationTest).
     */
    private void q8DotPair(int r, float[] x, int xOffset, float[] lanes, float[] y, int yAt) {
        long base0 = (long) r * cols;
        long base1 = base0 + cols;
        int full = cols - cols % (2 * V);
        FloatVector even0 = FloatVector.zero(F);
        FloatVector odd0 = even0;
        FloatVector even1 = even0;
        FloatVector odd1 = even0;
        for (int c = 0; c < full; c += 2 * V) {
            ByteVector b0 = ByteVector.fromMemorySegment(B_HALF, data, base0 + c, LE);
            ByteVector b1 = ByteVector.fromMemorySegment(B_HALF, data, base1 + c, LE);
            FloatVector xe = FloatVector.fromArray(F, x, xOffset + c);
            FloatVector xo = FloatVector.fromArray(F, x, xOffset + c + V);
            even0 = ((FloatVector) b0.convertShape(VectorOperators.B2F, F, 0)).fma(xe, even0);
            odd0 = ((FloatVector) b0.convertShape(VectorOperators.B2F, F, 1)).fma(xo, odd0);
            even1 = ((FloatVector) b1.convertShape(VectorOperators.B2F, F, 0)).fma(xe, even1);
            odd1 = ((FloatVector) b1.convertShape(VectorOperators.B2F, F, 1)).fma(xo, odd1);
        }
        float sum0 = sumLanes(even0.add(odd0), lanes);
        float sum1 = sumLanes(even1.add(odd1), lanes);
        for (int c = full; c < cols; c++) {
            sum0 = Math.fma(raw(base0 + c), x[xOffset + c], sum0);
            sum1 = Math.fma(raw(base1 + c), x[xOffset + c], sum1);
        }
        y[yAt] = sum0 * rowScale[r];
        y[yAt + 1] = sum1 * rowScale[r + 1];
    }

    private void rowsGemv(int from, int to, float[] x, float[] y) {
        int full = cols - cols % V;
        float[] lanes = LANES.get();
        int r = from;
        // two rows per pass share the activation loads
        for (; r + 1 < to; r += 2) {
            long b0 = (long) r * cols, b1 = b0 + cols;
            FloatVector a0 = FloatVector.zero(F), a1 = a0;
            for (int c = 0; c < full; c += V) {
                FloatVector xv = FloatVector.fromArray(F, x, c);
                a0 = load(b0 + c).fma(xv, a0);
                a1 = load(b1 + c).fma(xv, a1);
            }
            y[r] = finish(r, sumLanes(a0, lanes), b0, x, 0, full);
            y[r + 1] = finish(r + 1, sumLanes(a1, lanes), b1, x, 0, full);
        }
        for (; r < to; r++) {
            long b0 = (long) r * cols;
            FloatVector a0 = FloatVector.zero(F);
            for (int c = 0; c < full; c += V) {
                a0 = load(b0 + c).fma(FloatVector.fromArray(F, x, c), a0);
            }
            y[r] = finish(r, sumLanes(a0, lanes), b0, x, 0, full);
        }
    }

    private float finish(int r, float sum, long base, float[] x, int xOffset, int full) {
        for (int c = full; c < cols; c++) {
            sum = Math.fma(raw(base + c), x[xOffset + c], sum);
        }
        return format == DenseFormat.Q8 ? sum * rowScale[r] : sum;
    }

    private void rowsGemm(int from, int to, float[] x, int tokens, float[] y) {
        int full = cols - cols % V;
        float[] lanes = LANES.get();
        for (int t0 = 0; t0 < tokens; t0 += TOKEN_TILE) {
            int nt = Math.min(TOKEN_TILE, tokens - t0);
            for (int r = from; r < to; r++) {
                long base = (long) r * cols;
                if (nt == TOKEN_TILE) {
                    int x0 = t0 * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
                    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                    for (int c = 0; c < full; c += V) {
                        FloatVector w = load(base + c);
                        a0 = w.fma(FloatVector.fromArray(F, x, x0 + c), a0);
                        a1 = w.fma(FloatVector.fromArray(F, x, x1 + c), a1);
                        a2 = w.fma(FloatVector.fromArray(F, x, x2 + c), a2);
                        a3 = w.fma(FloatVector.fromArray(F, x, x3 + c), a3);
                    }
                    y[t0 * rows + r] = finish(r, sumLanes(a0, lanes), base, x, x0, full);
                    y[(t0 + 1) * rows + r] = finish(r, sumLanes(a1, lanes), base, x, x1, full);
                    y[(t0 + 2) * rows + r] = finish(r, sumLanes(a2, lanes), base, x, x2, full);
                    y[(t0 + 3) * rows + r] = finish(r, sumLanes(a3, lanes), base, x, x3, full);
                } else {
                    for (int t = t0; t < t0 + nt; t++) {
                        int xo = t * cols;
                        FloatVector a0 = FloatVector.zero(F);
                        for (int c = 0; c < full; c += V) {
                            a0 = load(base + c).fma(FloatVector.fromArray(F, x, xo + c), a0);
                        }
                        y[t * rows + r] = finish(r, sumLanes(a0, lanes), base, x, xo, full);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        if (ownsArena) {
            arena.close();
        }
    }

    private final class Job implements RangeTask {
        private float[] x;
        private float[] y;
        private int tokens;

        void set(float[] x, int tokens, float[] y) {
            this.x = x;
            this.tokens = tokens;
            this.y = y;
        }

        void clear() {
            x = null;
            y = null;
        }

        @Override
        public void run(int from, int to, int worker) {
            if (format == DenseFormat.Q8) {
                rowsQ8(from, to, x, tokens, y);
            } else if (tokens == 1) {
                rowsGemv(from, to, x, y);
            } else {
                rowsGemm(from, to, x, tokens, y);
            }
        }
    }
}

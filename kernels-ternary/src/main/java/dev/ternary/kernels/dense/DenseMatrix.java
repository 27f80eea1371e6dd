package dev.ternary.kernels.dense;

import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.parallel.RangeTask;
import dev.ternary.kernels.simd.KernelSpecies;
import dev.ternary.kernels.simd.VectorModule;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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
 * are dequantized as {@code scale[r] * sum_c w[r, c] * x[c]} (scale applied once after the dot product); their
 * layout (row pairs interleaved, {@link #q8Offset}) and kernel are {@link Q8Rows}'.
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
    private final Q8Rows q8; // Q8 only
    private final Job job = new Job();

    private DenseMatrix(DenseFormat format, int rows, int cols, Arena arena, boolean owns) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("rows and cols must be positive: " + rows + " x " + cols);
        }
        DenseWarmUp.once(format);
        this.format = format;
        this.rows = rows;
        this.cols = cols;
        this.arena = arena;
        this.ownsArena = owns;
        this.bytes = (long) rows * cols * format.bytesPerWeight();
        // 64 bytes of slack: a narrow Q8 load may read past the last full vector of the last row
        this.data = arena.allocate(bytes + 64, 64);
        this.q8 = format == DenseFormat.Q8 ? new Q8Rows(data, rows, cols) : null;
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
        if (q8 != null) {
            System.arraycopy(q8.scale, 0, m.q8.scale, 0, rows);
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
            case Q8 -> q8.quantizeRow(r, w, offset);
        }
    }

    /**
     * Where Q8 weight {@code (r, c)} is in {@link #data()}: rows {@code 2p} and {@code 2p + 1} interleaved in 64-byte
     * granules from {@code 2p * cols}, then each row's remaining columns; an odd last row plainly ({@link Q8Rows}).
     */
    public long q8Offset(int r, int c) {
        return q8().offset(r, c);
    }

    /** Sets the scale of Q8 row {@code r} (when filling {@link #data()} directly). */
    public void setRowScale(int r, float scale) {
        q8().scale[r] = scale;
    }

    private Q8Rows q8() {
        if (q8 == null) {
            throw new IllegalStateException("a " + format + " matrix has no Q8 rows");
        }
        return q8;
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
            dst[offset + c] = format == DenseFormat.Q8 ? q8.raw(r, c) * q8.scale[r] : raw(base + c);
        }
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

    /** The raw weights ({@link #byteSize()} bytes): row-major, but for Q8's row pairs ({@link #q8Offset}). */
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
        threads.runClaimed(units(), threads.grain(units(), 1), job);
        job.clear();
    }

    /** {@code y[t * rows + r] = (W x_t)[r]} for tokens {@code x_t = x[t * cols ..]}, {@code t < tokens}. */
    public void gemm(KernelThreads threads, float[] x, int tokens, float[] y) {
        check(x, tokens, y);
        job.set(x, tokens, y);
        threads.runClaimed(units(), threads.grain(units(), 1), job);
        job.clear();
    }

    /** What the workers share out: rows, or Q8's row pairs (a worker takes both rows of a pair). */
    private int units() {
        return format == DenseFormat.Q8 ? q8.pairs() : rows;
    }

    /** Scalar twin of {@link #gemv} (and of each token of {@link #gemm}). */
    public void gemvScalar(float[] x, int xOffset, float[] y, int yOffset) {
        if (format == DenseFormat.Q8) {
            for (int r = 0; r < rows; r++) {
                y[yOffset + r] = q8.dotScalar(r, x, xOffset);
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

    private float raw(long index) {
        return switch (format) {
            case F32 -> data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, index * 4);
            case BF16 -> Float.intBitsToFloat(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, index * 2) << 16);
            case Q8 -> throw new IllegalStateException("Q8 rows are interleaved in pairs: see Q8Rows");
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
            case Q8 -> throw new IllegalStateException("Q8 rows are interleaved in pairs: see Q8Rows");
        };
    }

    /** The lanes of {@code acc} summed in order (the scalar twins' order). */
    static float sumLanes(FloatVector acc, float[] lanes) {
        acc.intoArray(lanes, 0);
        float sum = 0f;
        for (int l = 0; l < V; l++) {
            sum += lanes[l];
        }
        return sum;
    }

    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[V]);

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
            y[r] = finish(sumLanes(a0, lanes), b0, x, 0, full);
            y[r + 1] = finish(sumLanes(a1, lanes), b1, x, 0, full);
        }
        for (; r < to; r++) {
            long b0 = (long) r * cols;
            FloatVector a0 = FloatVector.zero(F);
            for (int c = 0; c < full; c += V) {
                a0 = load(b0 + c).fma(FloatVector.fromArray(F, x, c), a0);
            }
            y[r] = finish(sumLanes(a0, lanes), b0, x, 0, full);
        }
    }

    private float finish(float sum, long base, float[] x, int xOffset, int full) {
        for (int c = full; c < cols; c++) {
            sum = Math.fma(raw(base + c), x[xOffset + c], sum);
        }
        return sum;
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
                    y[t0 * rows + r] = finish(sumLanes(a0, lanes), base, x, x0, full);
                    y[(t0 + 1) * rows + r] = finish(sumLanes(a1, lanes), base, x, x1, full);
                    y[(t0 + 2) * rows + r] = finish(sumLanes(a2, lanes), base, x, x2, full);
                    y[(t0 + 3) * rows + r] = finish(sumLanes(a3, lanes), base, x, x3, full);
                } else {
                    for (int t = t0; t < t0 + nt; t++) {
                        int xo = t * cols;
                        FloatVector a0 = FloatVector.zero(F);
                        for (int c = 0; c < full; c += V) {
                            a0 = load(base + c).fma(FloatVector.fromArray(F, x, xo + c), a0);
                        }
                        y[t * rows + r] = finish(sumLanes(a0, lanes), base, x, xo, full);
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
                // kept out of rowsGemv/rowsGemm: growing those made C2 stop inlining their vector code
                q8.rows(from, to, x, tokens, y, LANES.get());
            } else if (tokens == 1) {
                rowsGemv(from, to, x, y);
            } else {
                rowsGemm(from, to, x, tokens, y);
            }
        }
    }
}

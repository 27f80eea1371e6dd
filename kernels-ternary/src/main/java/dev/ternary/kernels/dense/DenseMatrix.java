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
 * <p>Q8 stores rows in pairs, interleaved in {@value #Q8_GRANULE}-byte granules ({@link #q8Offset}), so that the
 * kernel's pass over two rows reads one sequential stream: on a Zen 3 the same pass over two separate rows read DRAM
 * at 7 GB/s per thread against 11-12 for one stream (docs/BENCHMARKS.md, session 16).
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
    /** Bytes of one row before the other row of its pair follows, in the Q8 layout: a multiple of 4V. */
    static final int Q8_GRANULE = 64;
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
    /** Q8: the columns in whole granules; the rest of each row of a pair follows them, row after row. */
    private final int q8Full;
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
        this.q8Full = cols - cols % Q8_GRANULE;
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
                    data.set(ValueLayout.JAVA_BYTE, q8Offset(r, c), (byte) Math.max(-127f, Math.min(127f, q)));
                }
            }
        }
    }

    /**
     * Where Q8 weight {@code (r, c)} is in {@link #data()}. Rows {@code 2p} and {@code 2p + 1} share the
     * {@code 2 * cols} bytes from {@code 2p * cols}: first their whole {@value #Q8_GRANULE}-byte granules, alternating
     * (row {@code 2p}'s first granule, row {@code 2p + 1}'s first, ...), then row {@code 2p}'s remaining columns, then
     * row {@code 2p + 1}'s. An odd last row is stored plainly.
     */
    public long q8Offset(int r, int c) {
        long pair = (long) (r & ~1) * cols;
        if ((r | 1) == rows) {
            return pair + c;
        }
        int k = r & 1;
        if (c < q8Full) {
            int inGranule = c % Q8_GRANULE;
            return pair + 2L * (c - inGranule) + (long) k * Q8_GRANULE + inGranule;
        }
        return pair + 2L * q8Full + (long) k * (cols - q8Full) + (c - q8Full);
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
            dst[offset + c] = format == DenseFormat.Q8 ? q8(r, c) * rowScale[r] : raw(base + c);
        }
    }

    private float q8(int r, int c) {
        return data.get(ValueLayout.JAVA_BYTE, q8Offset(r, c));
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
        return format == DenseFormat.Q8 ? (rows + 1) / 2 : rows;
    }

    /** Scalar twin of {@link #gemv} (and of each token of {@link #gemm}). */
    public void gemvScalar(float[] x, int xOffset, float[] y, int yOffset) {
        if (format == DenseFormat.Q8) {
            for (int r = 0; r < rows; r++) {
                y[yOffset + r] = q8DotScalar(r, x, xOffset) * rowScale[r];
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
     * Scalar twin of {@link #q8DotPair} and {@link #q8DotLast}: four lane accumulators taking blocks of V weights in
     * turn over the whole granules, added lane by lane as {@code (a + b) + (c + d)}, lanes summed in order, then the
     * rest of the row.
     */
    private float q8DotScalar(int r, float[] x, int xOffset) {
        float[][] chains = new float[4][V];
        for (int c = 0; c < q8Full; c += 4 * V) {
            for (int j = 0; j < 4; j++) {
                for (int l = 0; l < V; l++) {
                    int col = c + j * V + l;
                    chains[j][l] = Math.fma(q8(r, col), x[xOffset + col], chains[j][l]);
                }
            }
        }
        float sum = 0f;
        for (int l = 0; l < V; l++) {
            sum += (chains[0][l] + chains[1][l]) + (chains[2][l] + chains[3][l]);
        }
        for (int c = q8Full; c < cols; c++) {
            sum = Math.fma(q8(r, c), x[xOffset + c], sum);
        }
        return sum;
    }

    /** V Q8 weights from {@code offset} of {@link #data}, widened to floats. */
    private FloatVector q8Load(long offset) {
        return (FloatVector) ByteVector.fromMemorySegment(B_QUARTER, data, offset, LE)
                .convertShape(VectorOperators.B2F, F, 0);
    }

    private float raw(long index) {
        return switch (format) {
            case F32 -> data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, index * 4);
            case BF16 -> Float.intBitsToFloat(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, index * 2) << 16);
            case Q8 -> throw new IllegalStateException("Q8 rows are interleaved in pairs: use q8(r, c)");
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
            case Q8 -> throw new IllegalStateException("Q8 rows are interleaved in pairs: use q8Load");
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
     * Q8 row pairs {@code [from, to)} for any number of tokens, pair by pair so the pair's bytes stay in L1 while every
     * token reads them. Kept out of {@link #rowsGemv}/{@link #rowsGemm}: growing those made C2 stop inlining their
     * vector code.
     */
    private void rowsQ8(int from, int to, float[] x, int tokens, float[] y) {
        float[] lanes = LANES.get();
        for (int p = from; p < to; p++) {
            int r = 2 * p;
            for (int t = 0; t < tokens; t++) {
                if (r + 1 < rows) {
                    q8DotPair(r, x, t * cols, lanes, y, t * rows + r);
                } else {
                    y[t * rows + r] = q8DotLast(x, t * cols, lanes) * rowScale[r];
                }
            }
        }
    }

    /**
     * Rows {@code r} and {@code r + 1} (a pair, {@code r} even), scaled, into {@code y[yAt]} and {@code y[yAt + 1]}:
     * four FMA chains per row, one activation load for both rows, and the pair's granules read in order. Written out
     * for both rows rather than through a helper: vectors passed to a call C2 does not inline get boxed
     * (DecodeAllocationTest).
     */
    private void q8DotPair(int r, float[] x, int xOffset, float[] lanes, float[] y, int yAt) {
        long pair = (long) r * cols;
        FloatVector a0 = FloatVector.zero(F), b0 = a0, c0 = a0, d0 = a0, a1 = a0, b1 = a0, c1 = a0, d1 = a0;
        for (int c = 0; c < q8Full; c += 4 * V) {
            long o = pair + 2L * c - c % Q8_GRANULE;
            FloatVector xa = FloatVector.fromArray(F, x, xOffset + c);
            FloatVector xb = FloatVector.fromArray(F, x, xOffset + c + V);
            FloatVector xc = FloatVector.fromArray(F, x, xOffset + c + 2 * V);
            FloatVector xd = FloatVector.fromArray(F, x, xOffset + c + 3 * V);
            a0 = q8Load(o).fma(xa, a0);
            b0 = q8Load(o + V).fma(xb, b0);
            c0 = q8Load(o + 2 * V).fma(xc, c0);
            d0 = q8Load(o + 3 * V).fma(xd, d0);
            a1 = q8Load(o + Q8_GRANULE).fma(xa, a1);
            b1 = q8Load(o + Q8_GRANULE + V).fma(xb, b1);
            c1 = q8Load(o + Q8_GRANULE + 2 * V).fma(xc, c1);
            d1 = q8Load(o + Q8_GRANULE + 3 * V).fma(xd, d1);
        }
        float sum0 = sumLanes(a0.add(b0).add(c0.add(d0)), lanes);
        float sum1 = sumLanes(a1.add(b1).add(c1.add(d1)), lanes);
        long rest0 = pair + 2L * q8Full;
        long rest1 = rest0 + (cols - q8Full);
        for (int c = q8Full; c < cols; c++) {
            float xv = x[xOffset + c];
            sum0 = Math.fma(data.get(ValueLayout.JAVA_BYTE, rest0 + c - q8Full), xv, sum0);
            sum1 = Math.fma(data.get(ValueLayout.JAVA_BYTE, rest1 + c - q8Full), xv, sum1);
        }
        y[yAt] = sum0 * rowScale[r];
        y[yAt + 1] = sum1 * rowScale[r + 1];
    }

    /** The unpaired last row of an odd row count (stored plainly), as {@link #q8DotPair} counts each of its rows. */
    private float q8DotLast(float[] x, int xOffset, float[] lanes) {
        long base = (long) (rows - 1) * cols;
        FloatVector a = FloatVector.zero(F), b = a, c2 = a, d = a;
        for (int c = 0; c < q8Full; c += 4 * V) {
            a = q8Load(base + c).fma(FloatVector.fromArray(F, x, xOffset + c), a);
            b = q8Load(base + c + V).fma(FloatVector.fromArray(F, x, xOffset + c + V), b);
            c2 = q8Load(base + c + 2 * V).fma(FloatVector.fromArray(F, x, xOffset + c + 2 * V), c2);
            d = q8Load(base + c + 3 * V).fma(FloatVector.fromArray(F, x, xOffset + c + 3 * V), d);
        }
        float sum = sumLanes(a.add(b).add(c2.add(d)), lanes);
        for (int c = q8Full; c < cols; c++) {
            sum = Math.fma(data.get(ValueLayout.JAVA_BYTE, base + c), x[xOffset + c], sum);
        }
        return sum;
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
                rowsQ8(from, to, x, tokens, y);
            } else if (tokens == 1) {
                rowsGemv(from, to, x, y);
            } else {
                rowsGemm(from, to, x, tokens, y);
            }
        }
    }
}

package dev.ternary.kernels.ternary;

import dev.ternary.kernels.format.Base3Format;
import dev.ternary.kernels.format.BitPlaneFormat;
import dev.ternary.kernels.format.BitSliceFormat;
import dev.ternary.kernels.format.HfBitNetLayout;
import dev.ternary.kernels.format.Lut2Format;
import dev.ternary.kernels.format.TernaryFormat;
import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.parallel.RangeTask;
import dev.ternary.kernels.quant.Int8Activations;
import dev.ternary.kernels.simd.CpuFeatures;
import dev.ternary.kernels.simd.VectorModule;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A ternary weight matrix {@code W = weightScale * T}, {@code T[rows = out, cols = in]} in {-1, 0, 1}, packed off-heap
 * (64-byte aligned) in a kernel {@link TernaryFormat}, with its GEMV/GEMM over int8 activations.
 *
 * <p>Outputs are {@code y[r] = (sum_c T[r, c] * q[c]) * (weightScale * max|x| / 127)}: the integer sum is exact and the
 * single float product is computed the same way by the SIMD kernels and by their scalar twins
 * ({@link #gemvScalar}, {@link #gemmScalar}), so the two agree bit for bit.
 *
 * <p>Not safe for concurrent calls on the same matrix (each call reuses the matrix's job object); the parallelism is
 * inside a call, over output rows, on the given {@link KernelThreads}. Calls allocate nothing.
 */
public final class TernaryMatrix implements AutoCloseable {
    static {
        VectorModule.require();
    }

    private final TernaryFormat format;
    private final int rows;
    private final int cols;
    private final float weightScale;
    private final Arena arena;
    private final boolean ownsArena;
    private final MemorySegment packed;
    /**
     * Per row, what the base-3, bit-plane and bit-slice kernels' sums carry on top of {@code sum T*q}; null for
     * 2-bit.
     */
    private final int[] rowBias;
    private final Job job = new Job();
    /** What the workers share out, and how many of those make a row tile: fixed per matrix, so counted once. */
    private final int tasks;
    private final int tileTasks;
    private final TokenLaneGemm tokenLane;
    private final Base3Gemm base3Gemm;
    /** Bytes of lookup tables a per-token GEMM tile may keep hot (most of this machine's 512 KiB L2). */
    private static final long TABLE_BUDGET = 384 << 10;
    /**
     * Weight bytes per row tile when several tokens pass over the same rows in the per-token kernels: the tile stays
     * in L2 from one token to the next.
     */
    private static final long ROW_TILE_BYTES = 64 << 10;

    /**
     * How a base-3 GEMM runs: {@link #BIT_PLANES}, row tiles decoded into bit planes once and counted for every token
     * by the popcount kernel, where the JIT has one-instruction vector popcounts; else {@link #TABLES}, the token-lane
     * lookup GEMM ({@link TokenLaneGemm}) for full token groups and the per-token base-3 kernel for the rest.
     */
    enum Base3Gemm {
        BIT_PLANES,
        TABLES;

        static Base3Gemm forThisCpu() {
            return CpuFeatures.jitHasVectorPopcount() ? BIT_PLANES : TABLES;
        }
    }

    private TernaryMatrix(TernaryFormat format, int rows, int cols, float weightScale, Arena arena, boolean owns,
                          Base3Gemm base3Gemm) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("rows and cols must be positive: " + rows + " x " + cols);
        }
        KernelWarmUp.once(format);
        this.format = Objects.requireNonNull(format, "format");
        this.rows = rows;
        this.cols = cols;
        this.weightScale = weightScale;
        this.arena = arena;
        this.ownsArena = owns;
        this.base3Gemm = base3Gemm;
        this.packed = arena.allocate(format.packedBytes(rows, cols), 64);
        format.fillZero(packed, rows, cols);
        this.rowBias = format instanceof Lut2Format ? null : new int[rows];
        this.tasks = countTasks();
        this.tileTasks = (int) Math.max(1, ROW_TILE_BYTES / Math.max(1, packed.byteSize() / tasks));
        this.tokenLane = switch (format) {
            // with one-instruction vector popcounts it decodes L2-sized row tiles into bit planes once and counts
            // them for every token instead
            case Base3Format b3 -> base3Gemm == Base3Gemm.TABLES ? new TokenLaneGemm(TokenLaneLayout.BASE3, packed,
                    rows, b3.paddedCols(cols), b3.rowBytes(cols), 0) : null;
            case Lut2Format lut -> new TokenLaneGemm(TokenLaneLayout.LUT2, packed, rows, lut.paddedCols(cols), 0,
                    lut.blockBytes(cols));
            // its per-token kernel over L2-sized row tiles beats the table GEMM (docs/BENCHMARKS.md, session 7)
            case BitPlaneFormat bp -> null;
            // its GEMM decodes L2-sized tiles of row blocks once and counts them for every token
            case BitSliceFormat bs -> null;
        };
    }

    /**
     * Packs a row-major trit matrix ({@code rows * cols} values in {-1, 0, 1}) into a new matrix with its own arena.
     *
     * @param weightScale the multiplier {@code s} of {@code W = s * T} (absmean scale)
     */
    public static TernaryMatrix fromTrits(byte[] trits, int rows, int cols, float weightScale, TernaryFormat format) {
        return fromTrits(trits, rows, cols, weightScale, format, Arena.ofShared(), true, Base3Gemm.forThisCpu());
    }

    /** As {@link #fromTrits(byte[], int, int, float, TernaryFormat)} with the base-3 GEMM chosen (for tests). */
    static TernaryMatrix fromTrits(byte[] trits, int rows, int cols, float weightScale, TernaryFormat format,
                                   Base3Gemm base3Gemm) {
        return fromTrits(trits, rows, cols, weightScale, format, Arena.ofShared(), true, base3Gemm);
    }

    /** As {@link #fromTrits(byte[], int, int, float, TernaryFormat)}, allocating in the caller's arena. */
    public static TernaryMatrix fromTrits(byte[] trits, int rows, int cols, float weightScale, TernaryFormat format,
                                          Arena arena) {
        return fromTrits(trits, rows, cols, weightScale, format, arena, false, Base3Gemm.forThisCpu());
    }

    private static TernaryMatrix fromTrits(byte[] trits, int rows, int cols, float weightScale, TernaryFormat format,
                                           Arena arena, boolean owns, Base3Gemm base3Gemm) {
        if (trits.length != (long) rows * cols) {
            throw new IllegalArgumentException("trits has " + trits.length + " values, expected " + (long) rows * cols);
        }
        TernaryMatrix m = new TernaryMatrix(format, rows, cols, weightScale, arena, owns, base3Gemm);
        for (int r = 0; r < rows; r++) {
            m.setRow(trits, (long) r * cols, r);
        }
        return m;
    }

    /**
     * Repacks Hugging Face's BitNet U8 tensor ({@link HfBitNetLayout}: shape {@code [rows/4, cols]}, trit
     * {@code T[i*rows/4 + r, c] + 1} in bits {@code 2i..2i+1} of byte {@code [r, c]}) into a new matrix with its own
     * arena. {@code hf} may be a mapped safetensors slice; it is only read.
     *
     * @param weightScale the multiplier {@code s} (for {@code linear_class: "bitlinear"} pass {@code 1 / stored})
     * @throws IllegalArgumentException on a wrong size or the invalid code 3
     */
    public static TernaryMatrix fromHfPacked(MemorySegment hf, int rows, int cols, float weightScale,
                                             TernaryFormat format) {
        return fromHfPacked(hf, rows, cols, weightScale, format, Arena.ofShared(), true, KernelThreads.single());
    }

    /** As {@link #fromHfPacked(MemorySegment, int, int, float, TernaryFormat)}, allocating in the caller's arena. */
    public static TernaryMatrix fromHfPacked(MemorySegment hf, int rows, int cols, float weightScale,
                                             TernaryFormat format, Arena arena) {
        return fromHfPacked(hf, rows, cols, weightScale, format, arena, false, KernelThreads.single());
    }

    /**
     * As {@link #fromHfPacked(MemorySegment, int, int, float, TernaryFormat)}, the rows repacked in parallel on
     * {@code threads}: loading a model repacks every projection, a second or more per billion weights and thread.
     * A segment of a confined arena, which only its owner may read, is repacked on the calling thread alone.
     */
    public static TernaryMatrix fromHfPacked(MemorySegment hf, int rows, int cols, float weightScale,
                                             TernaryFormat format, KernelThreads threads) {
        return fromHfPacked(hf, rows, cols, weightScale, format, Arena.ofShared(), true, threads);
    }

    private static TernaryMatrix fromHfPacked(MemorySegment hf, int rows, int cols, float weightScale,
                                              TernaryFormat format, Arena arena, boolean owns, KernelThreads threads) {
        int quarter = HfBitNetLayout.packedRows(rows);
        if (hf.byteSize() != (long) quarter * cols) {
            throw new IllegalArgumentException(
                    "HF packed tensor has " + hf.byteSize() + " bytes, expected " + (long) quarter * cols);
        }
        TernaryMatrix m = new TernaryMatrix(format, rows, cols, weightScale, arena, owns, Base3Gemm.forThisCpu());
        // each packed row r holds rows r, r + quarter, ...: the workers' rows are disjoint, and so are their bytes
        KernelThreads pool = readableByOtherThreads(hf) ? threads : KernelThreads.single();
        try {
            repackHf(hf, quarter, cols, format, m, pool);
        } catch (RuntimeException | Error e) {
            m.close();
            throw e;
        }
        return m;
    }

    private static void repackHf(MemorySegment hf, int quarter, int cols, TernaryFormat format, TernaryMatrix m,
                                 KernelThreads pool) {
        pool.run(quarter, (from, to, worker) -> {
            byte[] packedRow = new byte[cols];
            byte[] trits = new byte[cols];
            for (int r = from; r < to; r++) {
                MemorySegment.copy(hf, ValueLayout.JAVA_BYTE, (long) r * cols, packedRow, 0, cols);
                HfBitNetLayout.requireValidCodes(packedRow, 0, cols, r);
                if (format instanceof Lut2Format lut2) {
                    lut2.packHfRow(packedRow, r, quarter, cols, m.packed);
                    continue;
                }
                for (int i = 0; i < HfBitNetLayout.TRITS_PER_BYTE; i++) {
                    int shift = 2 * i;
                    for (int c = 0; c < cols; c++) {
                        trits[c] = (byte) (((packedRow[c] >>> shift) & 3) - 1);
                    }
                    m.setRow(trits, 0, i * quarter + r);
                }
            }
        });
    }

    private static boolean readableByOtherThreads(MemorySegment segment) {
        return segment.isAccessibleBy(Thread.ofPlatform().unstarted(() -> { }));
    }

    /** A copy with its own arena (same trits, scale and format). */
    public TernaryMatrix copy() {
        TernaryMatrix m = new TernaryMatrix(format, rows, cols, weightScale, Arena.ofShared(), true, base3Gemm);
        MemorySegment.copy(packed, 0, m.packed, 0, packed.byteSize());
        if (rowBias != null) {
            System.arraycopy(rowBias, 0, m.rowBias, 0, rows);
        }
        return m;
    }

    private void setRow(byte[] trits, long offset, int row) {
        byte[] src = trits;
        int off = Math.toIntExact(offset);
        format.packRow(src, off, rows, cols, row, packed);
        if (rowBias != null) {
            rowBias[row] = format instanceof Base3Format ? Base3Kernel.rowBias(src, off, cols)
                    : BitPlaneKernel.rowBias(src, off, cols);
        }
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public float weightScale() {
        return weightScale;
    }

    public TernaryFormat format() {
        return format;
    }

    /** The packed weights (read-only use). */
    public MemorySegment packed() {
        return packed;
    }

    /** Bytes a GEMV streams: the packed weights, padding included. */
    public long byteSize() {
        return packed.byteSize();
    }

    /** The trits back as a row-major array (for tests and tools). */
    public byte[] toTrits() {
        return format.unpack(packed, rows, cols);
    }

    /** {@code out[0..rows) = W x} for token 0 of {@code x}. */
    public void gemv(KernelThreads threads, Int8Activations x, float[] out) {
        gemv(threads, x, 0, out);
    }

    /** {@code out[0..rows) = W x_token}. */
    public void gemv(KernelThreads threads, Int8Activations x, int token, float[] out) {
        check(x, token + 1, out, rows);
        prepare(x, token, token + 1, Mode.GEMV);
        job.set(x, token, token + 1, out, Mode.GEMV);
        runJob(threads);
        job.clear();
    }

    /**
     * GEMM for tokens {@code 0 .. tokens-1} of {@code x}: {@code out[t * rows + r] = (W x_t)[r]}. Each packed block is
     * read once from memory and reused for all tokens while it is in cache.
     */
    public void gemm(KernelThreads threads, Int8Activations x, int tokens, float[] out) {
        check(x, tokens, out, (long) tokens * rows);
        int laneTokens = tokenLaneTokens(tokens);
        if (laneTokens > 0) {
            tokenLane.gemm(threads, x, laneTokens, weightScale, out);
        }
        if (laneTokens < tokens) {
            prepare(x, laneTokens, tokens, Mode.GEMM);
            job.set(x, laneTokens, tokens, out, Mode.GEMM);
            runJob(threads);
        }
        job.clear();
    }

    /**
     * How many of {@code tokens} {@link #gemm} gives to {@link TokenLaneGemm}: its full token groups, and a last
     * partial group only if it is full enough to beat per-token kernels (its empty lanes cost as much as full ones).
     * The thresholds are measured (docs/BENCHMARKS.md): the base-3 GEMV is slow, so a group pays from 3/8 full; the
     * 2-bit lookup GEMV is fast, so a group pays only from half full (8192x2048 on a Zen 3, 2 threads, since the
     * tables are cache-line aligned: 12 tokens ran 1.2x faster one by one, 16 ran 1.07x faster as a group;
     * session 18). The bit-plane and bit-slice formats, and base-3 with {@link Base3Gemm#BIT_PLANES}, have no
     * token-lane GEMM.
     */
    int tokenLaneTokens(int tokens) {
        if (tokenLane == null) {
            return 0;
        }
        int lanes = TokenLaneGemm.LANES;
        int full = tokens / lanes * lanes;
        int minPartial = format instanceof Base3Format ? lanes * 3 / 8 : lanes / 2;
        return tokens - full >= minPartial ? tokens : full;
    }

    /** Scalar twin of {@link #gemv(KernelThreads, Int8Activations, int, float[])}. */
    public void gemvScalar(Int8Activations x, int token, float[] out) {
        check(x, token + 1, out, rows);
        float factor = weightScale * x.dequantScale(token);
        int qOff = token * x.stride();
        for (int r = 0; r < rows; r++) {
            out[r] = format.dot(packed, rows, cols, r, x.q(), qOff) * factor;
        }
    }

    /** Scalar twin of {@link #gemm}. */
    public void gemmScalar(Int8Activations x, int tokens, float[] out) {
        check(x, tokens, out, (long) tokens * rows);
        for (int t = 0; t < tokens; t++) {
            float factor = weightScale * x.dequantScale(t);
            int qOff = t * x.stride();
            for (int r = 0; r < rows; r++) {
                out[t * rows + r] = format.dot(packed, rows, cols, r, x.q(), qOff) * factor;
            }
        }
    }

    private void check(Int8Activations x, int tokenEnd, float[] out, long outLength) {
        if (x.cols() != cols) {
            throw new IllegalArgumentException("activations have " + x.cols() + " columns, matrix has " + cols);
        }
        if (tokenEnd > x.capacity() || tokenEnd <= 0) {
            throw new IllegalArgumentException("token range ends at " + tokenEnd + ", capacity " + x.capacity());
        }
        if (out.length < outLength) {
            throw new IllegalArgumentException("output has " + out.length + " floats, need " + outLength);
        }
    }

    /** Whether a base-3 call runs on decoded bit planes (its GEMM with {@link Base3Gemm#BIT_PLANES}). */
    private boolean base3OnBitPlanes(Mode mode) {
        return mode == Mode.GEMM && base3Gemm == Base3Gemm.BIT_PLANES;
    }

    /** Bytes of one row decoded into the bit-plane layout (the 1.6-bit GEMMs' tiles). */
    private long planeRowBytes() {
        return ((BitPlaneFormat) TernaryFormat.BIT_PLANE).rowBytes(cols);
    }

    /** Builds the tokens' activation views before the workers read them. */
    private void prepare(Int8Activations x, int from, int to, Mode mode) {
        for (int t = from; t < to; t++) {
            switch (format) {
                case Lut2Format lut -> Lut2Kernel.tables(x, t);
                case Base3Format b3 when base3OnBitPlanes(mode) -> BitPlaneKernel.planes(x, t);
                case Base3Format b3 -> Base3Kernel.biased(x, t);
                case BitPlaneFormat bp -> BitPlaneKernel.planes(x, t);
                case BitSliceFormat bs -> BitPlaneKernel.planes(x, t);
            }
        }
    }

    /** Runs the prepared job over all tasks, in chunks of whole row tiles that the workers claim as they go. */
    private void runJob(KernelThreads threads) {
        threads.runClaimed(tasks, threads.grain(tasks, tileTasks), job);
    }

    /** What the workers share out: row blocks (lut2, bitslice) or rows. */
    private int countTasks() {
        return switch (format) {
            case Lut2Format lut -> lut.paddedRows(rows) / Lut2Format.ROW_BLOCK;
            case BitSliceFormat bs -> bs.paddedRows(rows) / BitSliceFormat.ROW_BLOCK;
            default -> rows;
        };
    }

    /** Frees the packed weights when the matrix owns its arena; otherwise the caller's arena does. */
    @Override
    public void close() {
        if (ownsArena) {
            arena.close();
        }
    }

    /** What a {@link Job} computes: one token into {@code out[r]}, or tokens into {@code out[t * rows + r]}. */
    private enum Mode { GEMV, GEMM }

    /**
     * The reusable per-call job of the per-token kernels: row blocks (lut2, bitslice) or rows (base3, bitplane) over a
     * token range.
     */
    private final class Job implements RangeTask {
        private Int8Activations x;
        private int tokenFrom;
        private int tokenTo;
        private float[] out;
        private Mode mode;

        void set(Int8Activations x, int tokenFrom, int tokenTo, float[] out, Mode mode) {
            this.x = x;
            this.tokenFrom = tokenFrom;
            this.tokenTo = tokenTo;
            this.out = out;
            this.mode = mode;
        }

        void clear() {
            this.x = null;
            this.out = null;
        }

        @Override
        public void run(int from, int to, int worker) {
            switch (format) {
                case Lut2Format lut -> runLut2(lut, from, to);
                case Base3Format b3 when base3OnBitPlanes(mode) -> runBase3BitPlanes(b3, from, to);
                case Base3Format b3 -> runBase3(b3, from, to);
                case BitPlaneFormat bp -> runBitPlane(bp, from, to);
                case BitSliceFormat bs -> runBitSlice(bs, from, to);
            }
        }

        private void runLut2(Lut2Format lut, int blockFrom, int blockTo) {
            byte[] tab = Lut2Kernel.tables(x, tokenFrom);
            int stride = x.stride();
            int tableBytes = Lut2Kernel.tableBytes(stride);
            int planeBytes = tableBytes / 4;
            int paddedCols = lut.paddedCols(cols);
            long blockBytes = lut.blockBytes(cols);
            boolean single = mode == Mode.GEMV;
            Lut2Kernel.Scratch s = Lut2Kernel.scratch();
            // Token tiles whose tables fit in L2 (all 64 tokens' tables would stream from L3 once per block and
            // made GEMM slower per token than GEMV); each tile re-reads the weights, 1/tile of a GEMV's traffic.
            // (Decoding each weight vector once for two tokens was tried: the JIT spilled, and it ran 2x slower.)
            int tile = Math.max(2, (int) Math.min(tokenTo - tokenFrom, TABLE_BUDGET / tableBytes) & ~1);
            for (int t0 = tokenFrom; t0 < tokenTo; t0 += tile) {
                int t1 = Math.min(tokenTo, t0 + tile);
                for (int b = blockFrom; b < blockTo; b++) {
                    int row0 = b * Lut2Format.ROW_BLOCK;
                    int n = Math.min(Lut2Format.ROW_BLOCK, rows - row0);
                    for (int t = t0; t < t1; t++) {
                        Lut2Kernel.block(packed, b * blockBytes, paddedCols, tab, t * tableBytes, planeBytes, s);
                        store(s.sums, t, row0, n, single);
                    }
                }
            }
        }

        private void store(int[] sums, int token, int row0, int n, boolean single) {
            float factor = weightScale * x.dequantScale(token);
            int o = single ? row0 : token * rows + row0;
            for (int i = 0; i < n; i++) {
                out[o + i] = sums[i] * factor;
            }
        }

        /** Base-3 GEMV, and the per-token base-3 GEMM over row tiles (tokens the token-lane GEMM leaves). */
        private void runBase3(Base3Format b3, int rowFrom, int rowTo) {
            byte[] biased = Base3Kernel.biased(x, tokenFrom);
            int stride = x.stride();
            int blocks = b3.paddedCols(cols) / Base3Format.BLOCK_COLS;
            long rowBytes = b3.rowBytes(cols);
            boolean single = mode == Mode.GEMV;
            int tile = single ? rowTo - rowFrom : rowTile(rowBytes);
            for (int r = rowFrom; r < rowTo; r += tile) {
                int n = Math.min(tile, rowTo - r);
                for (int t = tokenFrom; t < tokenTo; t++) {
                    Base3Kernel.dotRows(packed, r * rowBytes, rowBytes, n, blocks, biased, t * stride, rowBias, r,
                            weightScale * x.dequantScale(t), out, (single ? 0 : t * rows) + r);
                }
            }
        }

        /**
         * Base-3 GEMM with {@link Base3Gemm#BIT_PLANES}: tiles of rows decoded once into the bit-plane layout
         * ({@link Base3BitPlanes}), in L2 while the bit-plane kernel counts them for every token of the call, two at
         * a time.
         */
        private void runBase3BitPlanes(Base3Format b3, int rowFrom, int rowTo) {
            int b3Blocks = b3.paddedCols(cols) / Base3Format.BLOCK_COLS;
            long rowBytes = b3.rowBytes(cols);
            long planeRowBytes = planeRowBytes();
            int tile = Math.min(rowTile(planeRowBytes), rowTo - rowFrom);
            BitPlaneTile decoded = BitPlaneTile.get(tile, planeRowBytes);
            for (int r = rowFrom; r < rowTo; r += tile) {
                int n = Math.min(tile, rowTo - r);
                Base3BitPlanes.decodeRows(packed, r * rowBytes, rowBytes, n, b3Blocks, decoded.planes, planeRowBytes,
                        decoded.bias);
                countDecoded(decoded, n, planeRowBytes, r);
            }
        }

        /** Every token of the call over a tile of decoded bit-plane rows, two at a time, into rows from row0. */
        private void countDecoded(BitPlaneTile decoded, int count, long planeRowBytes, int row0) {
            long[] planes = BitPlaneKernel.planes(x, tokenFrom);
            int tokenWords = BitPlaneKernel.tokenWords(x.stride());
            int blocks = (int) (planeRowBytes / BitPlaneFormat.BLOCK_BYTES);
            for (int t = tokenFrom; t < tokenTo; t += 2) {
                int u = Math.min(t + 1, tokenTo - 1); // an odd last token is paired with itself
                BitPlaneKernel.dotRowsPair(decoded.planes, 0, planeRowBytes, count, blocks, planes, t * tokenWords,
                        u * tokenWords, decoded.bias, 0, weightScale * x.dequantScale(t),
                        weightScale * x.dequantScale(u), out, t * rows + row0, u * rows + row0);
            }
        }

        /** Rows per tile of {@link #ROW_TILE_BYTES} when several tokens pass over the same rows. */
        private static int rowTile(long rowBytes) {
            return Math.max(1, (int) (ROW_TILE_BYTES / rowBytes));
        }

        private void runBitPlane(BitPlaneFormat bp, int rowFrom, int rowTo) {
            long[] planes = BitPlaneKernel.planes(x, tokenFrom);
            int tokenWords = BitPlaneKernel.tokenWords(x.stride());
            int blocks = bp.paddedCols(cols) / BitPlaneFormat.BLOCK_COLS;
            long rowBytes = bp.rowBytes(cols);
            boolean single = mode == Mode.GEMV;
            // a GEMV too calls the kernel per row tile: one call over a worker's rows is a loop long enough for C2 to
            // compile it on stack replacement without a profile, and then it boxed vectors (docs/BENCHMARKS.md,
            // sessions 9 and 10)
            int tile = rowTile(rowBytes);
            for (int r = rowFrom; r < rowTo; r += tile) {
                int n = Math.min(tile, rowTo - r);
                int t = tokenFrom;
                for (; t + 1 < tokenTo; t += 2) {
                    BitPlaneKernel.dotRowsPair(packed, r * rowBytes, rowBytes, n, blocks, planes, t * tokenWords,
                            (t + 1) * tokenWords, rowBias, r, weightScale * x.dequantScale(t),
                            weightScale * x.dequantScale(t + 1), out, t * rows + r, (t + 1) * rows + r);
                }
                if (t < tokenTo) {
                    BitPlaneKernel.dotRows(packed, r * rowBytes, rowBytes, n, blocks, planes, t * tokenWords,
                            rowBias, r, weightScale * x.dequantScale(t), out, (single ? 0 : t * rows) + r);
                }
            }
        }

        /**
         * Bit-slice row blocks: a GEMV decodes and counts item by item, one call per row block
         * ({@link BitSliceKernel#dotRows}); a GEMM decodes tiles of row blocks into bit-plane rows
         * ({@link BitSliceBitPlanes}) that stay in L2 while the bit-plane kernel counts every token of the call over
         * them, two at a time.
         */
        private void runBitSlice(BitSliceFormat bs, int blockFrom, int blockTo) {
            long[] planes = BitPlaneKernel.planes(x, tokenFrom);
            int tokenWords = BitPlaneKernel.tokenWords(x.stride());
            int groups = BitSliceFormat.groups(cols);
            long blockBytes = bs.blockBytes(cols);
            if (mode == Mode.GEMV) {
                // one call per row block: many short calls get C2 a full profile (see BitSliceKernel.dotRows)
                float factor = weightScale * x.dequantScale(tokenFrom);
                for (int b = blockFrom; b < blockTo; b++) {
                    BitSliceKernel.dotRows(packed, b * blockBytes, blockBytes, 1, groups, planes,
                            tokenFrom * tokenWords, rowBias, b * BitSliceFormat.ROW_BLOCK, rows, factor, out, 0);
                }
                return;
            }
            long planeRowBytes = planeRowBytes();
            int r = BitSliceFormat.ROW_BLOCK;
            int tile = Math.max(1, Math.min((int) (ROW_TILE_BYTES / (r * planeRowBytes)), blockTo - blockFrom));
            BitPlaneTile decoded = BitPlaneTile.get(tile * r, planeRowBytes);
            for (int b = blockFrom; b < blockTo; b += tile) {
                int n = Math.min(tile, blockTo - b);
                int row0 = b * r;
                int count = Math.min(n * r, rows - row0); // the last row block's padding rows are not output
                BitSliceBitPlanes.decodeRows(packed, b * blockBytes, blockBytes, n, groups, count, decoded.planes,
                        planeRowBytes, decoded.bias);
                countDecoded(decoded, count, planeRowBytes, row0);
            }
        }
    }
}

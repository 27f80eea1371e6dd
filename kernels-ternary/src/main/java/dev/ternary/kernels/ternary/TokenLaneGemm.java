package dev.ternary.kernels.ternary;

import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.S2I;

import dev.ternary.kernels.format.Base3Format;
import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.parallel.RangeTask;
import dev.ternary.kernels.quant.Int8Activations;
import dev.ternary.kernels.simd.KernelSpecies;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM for a block of tokens with the tokens in the vector lanes: each packed weight byte, used as it is stored,
 * indexes a table of the partial sums of all its trit patterns over its columns, one int16 lane per token, so one
 * vector add applies 4 (2-bit) or 5 (base-3) weights to {@link #SL} tokens. No multiplication and no shuffles.
 *
 * <p>The tables depend only on the activations: per packed byte position, 256 entries of {@link #LANES} shorts
 * (entry {@code b} = {@code sum_k T_k(b) * q[column k]}). A group of {@link #LANES} tokens is done in two parallel
 * passes: the positions are cut into chunks whose tables fit in L2, each worker builds the tables of its chunks and
 * adds them up for every row into its own int32 accumulators; then the workers' accumulators are summed, scaled and
 * stored by rows. So no table is built twice, and the cost that grows with the rows is one table add per weight
 * byte and {@link #SL} tokens, where a GEMV's lookups cost the same again for every token. See docs/BENCHMARKS.md.
 *
 * <p>Exactness: an entry is at most {@code 5 * 127} in magnitude, and a chunk adds at most {@link #MAX_CHUNK} of them
 * per lane in int16 before widening to int32, so no lane can overflow; the row sums equal the scalar
 * {@code sum T*q}.
 *
 * <p>One instance per matrix; not safe for concurrent calls (like the matrix).
 */
final class TokenLaneGemm {
    static final VectorSpecies<Short> S = KernelSpecies.SHORT;
    static final VectorSpecies<Integer> I = KernelSpecies.INT;
    static final VectorSpecies<Float> F = KernelSpecies.FLOAT;
    /** Shorts per vector. */
    static final int SL = S.length();
    /** Tokens per group, one int16 lane each: two vectors, so each table index feeds two adds. */
    static final int LANES = 2 * SL;
    /** Largest chunk: {@code 48 * 5 * 127 < 2^15}. */
    static final int MAX_CHUNK = 48;
    /**
     * Bytes of table entries a chunk may touch, about a quarter of this machine's 512 KiB L2: 256 KiB ran 10-20%
     * slower for base-3 (see docs/BENCHMARKS.md).
     */
    static final int TABLE_BUDGET = 128 << 10;
    /** Rows per tile of the store pass: one 64-byte run of floats per token. */
    static final int STORE_ROWS = 16;
    private static final ValueLayout.OfInt QUAD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Bytes of a table entry: {@link #LANES} int16 partial sums. */
    private static final int ENTRY = LANES * Short.BYTES;
    private static final int ENTRY_SHIFT = Integer.numberOfTrailingZeros(ENTRY);
    /** Bytes from an entry's first token vector to its second. */
    private static final long ENTRY_HALF = SL * Short.BYTES;
    /** One 16-row block's bytes at a 2-bit position. */
    private static final VectorSpecies<Byte> ROW_BYTES = ByteVector.SPECIES_128;
    /** Bytes of one position's table. */
    private static final int POSITION = 256 * ENTRY;
    /** Bytes of a worker's tables: a power of two, so that masked offsets are provably inside. */
    static final long TABLE_SPAN = Long.highestOneBit((long) MAX_CHUNK * POSITION - 1) << 1;
    /**
     * A 2-bit entry offset masked with this is unchanged, and C2 then knows it lies in {@code [0, TABLE_SPAN - ENTRY]}:
     * read from a segment of the constant length {@link #TABLE_SPAN}, its lookups need no bounds checks, 6 instructions
     * per lookup instead of 11. The base-3 rows ran slower masked (docs/BENCHMARKS.md, session 19).
     */
    private static final int TABLE_MASK = (int) (TABLE_SPAN - ENTRY);

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final TokenLaneLayout layout;
    private final MemorySegment packed;
    private final int rows;
    private final int paddedCols;
    private final long rowBytes;
    private final long blockBytes;
    private final int positions;
    /** Positions per chunk: a multiple of 8 whose touched entries fit {@link #TABLE_BUDGET}. */
    private final int chunk;
    private final Accumulate accumulate = new Accumulate();
    private final Store store = new Store();
    // the current call
    private int[][] accs = new int[0][];
    private Int8Activations x;
    private float[] out;
    private float weightScale;
    private int group;
    private int groupTokens;

    /**
     * @param rowBytes  bytes per row (base-3), unused for 2-bit
     * @param blockBytes bytes per 16-row block (2-bit), unused for base-3
     */
    TokenLaneGemm(TokenLaneLayout layout, MemorySegment packed, int rows, int paddedCols, long rowBytes,
                  long blockBytes) {
        this.layout = layout;
        this.packed = packed;
        this.rows = rows;
        this.paddedCols = paddedCols;
        this.rowBytes = rowBytes;
        this.blockBytes = blockBytes;
        this.positions = layout.positions(paddedCols);
        this.chunk = chunk(layout);
    }

    /** Positions per chunk for a layout; 2-bit tables touch only 81 of their 256 entries, so it takes more. */
    static int chunk(TokenLaneLayout layout) {
        int touched = (layout.byteOf.length + layout.twins.length / 2) * ENTRY;
        return Math.max(8, Math.min(MAX_CHUNK, TABLE_BUDGET / touched) & ~7);
    }

    /** Per-thread buffers, grown on first use and kept. */
    static final class Scratch {
        int[] acc = new int[0];
        /**
         * The chunk's tables, off-heap and 64-byte aligned so that no entry straddles two cache lines. In a heap
         * array, whose alignment Java does not control, each 64-byte entry (AVX2) straddled two, and the 2-bit GEMM
         * ran 1.3x slower (docs/BENCHMARKS.md, session 18).
         */
        final MemorySegment tables = Arena.ofAuto().allocate(TABLE_SPAN, 64);
        final int[] offsets = new int[MAX_CHUNK * 16];
        /** The chunk's columns with the group's tokens in the lanes: {@code lanes[j * LANES + i]}, column {@code j}. */
        final short[] lanes = new short[MAX_CHUNK * Base3Format.TRITS_PER_BYTE * LANES];
        final float[] factors = new float[LANES];
        final float[] tile = new float[STORE_ROWS * LANES];

        int[] acc(int rows) {
            if (acc.length < rows * LANES) {
                acc = new int[rows * LANES];
            }
            return acc;
        }
    }

    /**
     * {@code out[t * rows + r] = weightScale * x.dequantScale(t) * sum_c T[r, c] q_t[c]} for all rows and tokens
     * {@code [0, tokens)}.
     */
    void gemm(KernelThreads threads, Int8Activations x, int tokens, float weightScale, float[] out) {
        this.x = x;
        this.out = out;
        this.weightScale = weightScale;
        if (accs.length != threads.size()) {
            accs = new int[threads.size()][];
        }
        int chunks = Math.ceilDiv(positions, chunk);
        try {
            for (int g = 0; g < tokens; g += LANES) {
                group = g;
                groupTokens = Math.min(LANES, tokens - g);
                java.util.Arrays.fill(accs, null);
                threads.run(chunks, accumulate);
                threads.run(rows, store);
            }
        } finally {
            this.x = null;
            this.out = null;
            java.util.Arrays.fill(accs, null);
        }
    }

    /** Pass 1: a worker's chunks of positions, for every row, into its own accumulators. */
    private final class Accumulate implements RangeTask {
        @Override
        public void run(int chunkFrom, int chunkTo, int worker) {
            Scratch s = SCRATCH.get();
            int[] acc = s.acc(rows);
            java.util.Arrays.fill(acc, 0, rows * LANES, 0);
            for (int c = chunkFrom; c < chunkTo; c++) {
                int p0 = c * chunk;
                int p1 = Math.min(positions, p0 + chunk);
                gatherColumns(layout, x, group, groupTokens, p0, p1, s.lanes);
                buildTables(layout, s.lanes, p1 - p0, s.tables);
                switch (layout) {
                    case BASE3 -> rowsBase3(packed, rowBytes, 0, rows, p0, p1, s.tables, acc);
                    case LUT2 -> rowsLut2(packed, blockBytes, rows, p0, p1, s.tables, acc, s.offsets);
                }
            }
            accs[worker] = acc;
        }
    }

    /**
     * Pass 2: the workers' sums of a range of rows, scaled per token. The accumulators are row-major (a row's
     * {@link #LANES} tokens adjacent) and the output token-major, so this transposes: {@link #STORE_ROWS} rows at a
     * time are summed and scaled with vectors into a small tile, which then goes out as one run of {@link #STORE_ROWS}
     * floats per token. Writing each row's tokens straight to the output put consecutive stores {@code rows} floats
     * apart, a power of two for real models, so they all fell into the same few L1 sets: this pass took 40% as long as
     * the table lookups of pass 1 (2-bit prefill of llama-1b, docs/BENCHMARKS.md, session 14).
     */
    private final class Store implements RangeTask {
        @Override
        public void run(int rowFrom, int rowTo, int worker) {
            Scratch s = SCRATCH.get();
            float[] factors = s.factors;
            float[] tile = s.tile;
            for (int i = 0; i < LANES; i++) {
                factors[i] = i < groupTokens ? weightScale * x.dequantScale(group + i) : 0f;
            }
            int vl = I.length();
            for (int r0 = rowFrom; r0 < rowTo; r0 += STORE_ROWS) {
                int n = Math.min(STORE_ROWS, rowTo - r0);
                for (int j = 0; j < n; j++) {
                    int a = (r0 + j) * LANES;
                    for (int v = 0; v < LANES; v += vl) {
                        IntVector sum = IntVector.zero(I);
                        for (int[] acc : accs) {
                            if (acc != null) {
                                sum = sum.add(IntVector.fromArray(I, acc, a + v));
                            }
                        }
                        // int to float, then times the token's factor: the scalar twin's `sum * factor`
                        ((FloatVector) sum.convert(I2F, 0)).mul(FloatVector.fromArray(F, factors, v))
                                .intoArray(tile, j * LANES + v);
                    }
                }
                for (int i = 0; i < groupTokens; i++) {
                    int o = (group + i) * rows + r0;
                    for (int j = 0; j < n; j++) {
                        out[o + j] = tile[j * LANES + i];
                    }
                }
            }
        }
    }

    /**
     * The columns of positions {@code [p0, p1)} with tokens {@code g + i} in the lanes: {@code lanes[((p - p0) * trits
     * + k) * LANES + i] = q[token g + i][column(p, k)]}, zero in unused lanes and past the activations' columns. Done
     * per chunk by the worker that builds its tables, so the transposition runs in parallel and its output stays in L1
     * (a whole-matrix transposition before the passes was serial: 0.38 ms of a 6.8 ms 2560x6912 GEMM at 2 threads).
     */
    static void gatherColumns(TokenLaneLayout layout, Int8Activations x, int g, int n, int p0, int p1, short[] lanes) {
        byte[] q = x.q();
        int stride = x.stride();
        int trits = layout.trits;
        int columns = (p1 - p0) * trits;
        java.util.Arrays.fill(lanes, 0, columns * LANES, (short) 0);
        for (int p = p0; p < p1; p++) {
            for (int k = 0; k < trits; k++) {
                int c = layout.column(p, k);
                if (c >= stride) {
                    continue;
                }
                int dst = ((p - p0) * trits + k) * LANES;
                for (int i = 0, src = g * stride + c; i < n; i++, src += stride) {
                    lanes[dst + i] = q[src];
                }
            }
        }
    }

    /**
     * Fills the tables of a chunk's {@code n} positions from their gathered columns. Each entry is built in nested loops
     * over the byte's digits, each level adding its column's {@code (digit - 1) * x} to the sum of the levels above,
     * so an entry costs one add and one store. The former head-plus-tail form (9 x 9 partial sums added per entry,
     * stored through a byte map) cost 4-5x as much: 12% of a 2560x6912 2-bit GEMM (docs/BENCHMARKS.md, session 20).
     */
    static void buildTables(TokenLaneLayout layout, short[] lanes, int n, MemorySegment tables) {
        switch (layout) {
            case LUT2 -> buildTablesLut2(lanes, n, tables);
            case BASE3 -> buildTablesBase3(lanes, n, tables);
        }
    }

    /** 2-bit: a byte's codes are its bit pairs, so an entry's offset follows from the loop counters. */
    static void buildTablesLut2(short[] lanes, int n, MemorySegment tables) {
        for (int p = 0; p < n; p++) {
            MemorySegment table = tables.asSlice((long) p * POSITION, POSITION);
            int col = 4 * p * LANES;
            for (int v = 0; v < LANES; v += SL) {
                ShortVector x0 = ShortVector.fromArray(S, lanes, col + v);
                ShortVector x1 = ShortVector.fromArray(S, lanes, col + LANES + v);
                ShortVector x2 = ShortVector.fromArray(S, lanes, col + 2 * LANES + v);
                ShortVector x3 = ShortVector.fromArray(S, lanes, col + 3 * LANES + v);
                ShortVector s3 = x3.neg();
                for (int d3 = 0; d3 < 3; d3++, s3 = s3.add(x3)) {
                    ShortVector s2 = s3.sub(x2);
                    for (int d2 = 0; d2 < 3; d2++, s2 = s2.add(x2)) {
                        ShortVector s1 = s2.sub(x1);
                        for (int d1 = 0; d1 < 3; d1++, s1 = s1.add(x1)) {
                            long o = (long) (d1 << 2 | d2 << 4 | d3 << 6) * ENTRY + (long) v * Short.BYTES;
                            s1.sub(x0).intoMemorySegment(table, o, LE);
                            s1.intoMemorySegment(table, o + ENTRY, LE);
                            s1.add(x0).intoMemorySegment(table, o + 2 * ENTRY, LE);
                        }
                    }
                }
            }
        }
    }

    /**
     * Base-3: the entry of digits {@code d0..d4} goes to the byte {@link TokenLaneLayout#byteOf} gives; the byte
     * values the packer never writes then get copies of the entries of the digits they decode to.
     */
    static void buildTablesBase3(short[] lanes, int n, MemorySegment tables) {
        TokenLaneLayout layout = TokenLaneLayout.BASE3;
        int[] byteOf = layout.byteOf;
        for (int p = 0; p < n; p++) {
            MemorySegment table = tables.asSlice((long) p * POSITION, POSITION);
            int col = Base3Format.TRITS_PER_BYTE * p * LANES;
            for (int v = 0; v < LANES; v += SL) {
                ShortVector x0 = ShortVector.fromArray(S, lanes, col + v);
                ShortVector x1 = ShortVector.fromArray(S, lanes, col + LANES + v);
                ShortVector x2 = ShortVector.fromArray(S, lanes, col + 2 * LANES + v);
                ShortVector x3 = ShortVector.fromArray(S, lanes, col + 3 * LANES + v);
                ShortVector x4 = ShortVector.fromArray(S, lanes, col + 4 * LANES + v);
                long half = (long) v * Short.BYTES;
                ShortVector s0 = x0.neg();
                for (int d0 = 0; d0 < 3; d0++, s0 = s0.add(x0)) {
                    ShortVector s1 = s0.sub(x1);
                    for (int d1 = 0; d1 < 3; d1++, s1 = s1.add(x1)) {
                        ShortVector s2 = s1.sub(x2);
                        for (int d2 = 0; d2 < 3; d2++, s2 = s2.add(x2)) {
                            ShortVector s3 = s2.sub(x3);
                            for (int d3 = 0; d3 < 3; d3++, s3 = s3.add(x3)) {
                                int key = 3 * (3 * (3 * (3 * d0 + d1) + d2) + d3);
                                s3.sub(x4).intoMemorySegment(table, byteOf[key] * (long) ENTRY + half, LE);
                                s3.intoMemorySegment(table, byteOf[key + 1] * (long) ENTRY + half, LE);
                                s3.add(x4).intoMemorySegment(table, byteOf[key + 2] * (long) ENTRY + half, LE);
                            }
                        }
                    }
                }
            }
            int[] twins = layout.twins;
            for (int i = 0; i < twins.length; i += 2) {
                MemorySegment.copy(table, twins[i + 1] * (long) ENTRY, table, twins[i] * (long) ENTRY, ENTRY);
            }
        }
    }

    /**
     * Base-3 rows: a row's bytes are adjacent, so 4 come in one int load (8 in a long load kept more offsets live than
     * registers once the tables moved off-heap). Two int16 accumulators per row (each lookup only waits for its own),
     * at most {@link #MAX_CHUNK} entries in their sum.
     */
    static void rowsBase3(MemorySegment w, long rowBytes, int r0, int r1, int p0, int p1, MemorySegment tab,
                          int[] acc) {
        int n = p1 - p0;
        for (int r = r0; r < r1; r++) {
            long base = r * rowBytes + p0;
            ShortVector a0 = ShortVector.zero(S), a1 = a0, b0 = a0, b1 = a0;
            for (int g = 0; g < n; g += 4) {
                int v = w.get(QUAD, base + g);
                int t = g * POSITION;
                int i0 = t + (v & 0xFF) * ENTRY;
                int i1 = t + POSITION + (v >>> 8 & 0xFF) * ENTRY;
                int i2 = t + 2 * POSITION + (v >>> 16 & 0xFF) * ENTRY;
                int i3 = t + 3 * POSITION + (v >>> 24) * ENTRY;
                a0 = a0.add(ShortVector.fromMemorySegment(S, tab, i0, LE));
                a1 = a1.add(ShortVector.fromMemorySegment(S, tab, i0 + ENTRY_HALF, LE));
                b0 = b0.add(ShortVector.fromMemorySegment(S, tab, i1, LE));
                b1 = b1.add(ShortVector.fromMemorySegment(S, tab, i1 + ENTRY_HALF, LE));
                a0 = a0.add(ShortVector.fromMemorySegment(S, tab, i2, LE));
                a1 = a1.add(ShortVector.fromMemorySegment(S, tab, i2 + ENTRY_HALF, LE));
                b0 = b0.add(ShortVector.fromMemorySegment(S, tab, i3, LE));
                b1 = b1.add(ShortVector.fromMemorySegment(S, tab, i3 + ENTRY_HALF, LE));
            }
            accumulate(a0.add(b0), a1.add(b1), acc, (r - r0) * LANES);
        }
    }

    /**
     * 2-bit rows. Within a 16-row block a position's 16 bytes are the 16 rows' bytes, so they are first turned into
     * table offsets with a few vector ops per position ({@code idx[16 p + k]} for row {@code k} of the block); the
     * lookup loop then only loads an offset and adds its entry.
     */
    static void rowsLut2(MemorySegment w, long blockBytes, int rows, int p0, int p1, MemorySegment tab, int[] acc,
                         int[] idx) {
        int n = p1 - p0;
        int parts = 16 / I.length();
        for (int row0 = 0; row0 < rows; row0 += 16) {
            long blockBase = (row0 >>> 4) * blockBytes + 16L * p0;
            for (int p = 0; p < n; p++) {
                ByteVector b = ByteVector.fromMemorySegment(ROW_BYTES, w, blockBase + 16L * p, LE);
                for (int part = 0; part < parts; part++) {
                    ((IntVector) b.convertShape(B2I, I, part)).and(0xFF).lanewise(LSHL, ENTRY_SHIFT).add(p * POSITION)
                            .intoArray(idx, 16 * p + part * I.length());
                }
            }
            int rowEnd = Math.min(16, rows - row0);
            for (int k = 0; k < rowEnd; k++) {
                lookupRow(tab, idx, k, n, acc, (row0 + k) * LANES);
            }
        }
    }

    /**
     * Row {@code k} of a 2-bit block: its {@code n} lookups (offsets {@code idx[16 p + k]}, {@code n} a multiple of 8)
     * added into {@code acc[o..]}. Four positions per pass, and a method of its own: both cut the instructions per
     * lookup (docs/BENCHMARKS.md, session 17).
     */
    private static void lookupRow(MemorySegment tables, int[] idx, int k, int n, int[] acc, int o) {
        MemorySegment tab = tables.asSlice(0, TABLE_SPAN);
        ShortVector a0 = ShortVector.zero(S), a1 = a0, b0 = a0, b1 = a0;
        for (int p = k; p < 16 * n; p += 64) {
            long i = idx[p] & TABLE_MASK;
            long j = idx[p + 16] & TABLE_MASK;
            long i2 = idx[p + 32] & TABLE_MASK;
            long j2 = idx[p + 48] & TABLE_MASK;
            a0 = a0.add(ShortVector.fromMemorySegment(S, tab, i, LE));
            a1 = a1.add(ShortVector.fromMemorySegment(S, tab, i + ENTRY_HALF, LE));
            b0 = b0.add(ShortVector.fromMemorySegment(S, tab, j, LE));
            b1 = b1.add(ShortVector.fromMemorySegment(S, tab, j + ENTRY_HALF, LE));
            a0 = a0.add(ShortVector.fromMemorySegment(S, tab, i2, LE));
            a1 = a1.add(ShortVector.fromMemorySegment(S, tab, i2 + ENTRY_HALF, LE));
            b0 = b0.add(ShortVector.fromMemorySegment(S, tab, j2, LE));
            b1 = b1.add(ShortVector.fromMemorySegment(S, tab, j2 + ENTRY_HALF, LE));
        }
        accumulate(a0.add(b0), a1.add(b1), acc, o);
    }

    private static void accumulate(ShortVector low, ShortVector high, int[] acc, int o) {
        int half = SL / 2;
        ((IntVector) low.convert(S2I, 0)).add(IntVector.fromArray(I, acc, o)).intoArray(acc, o);
        ((IntVector) low.convert(S2I, 1)).add(IntVector.fromArray(I, acc, o + half)).intoArray(acc, o + half);
        ((IntVector) high.convert(S2I, 0)).add(IntVector.fromArray(I, acc, o + SL)).intoArray(acc, o + SL);
        ((IntVector) high.convert(S2I, 1)).add(IntVector.fromArray(I, acc, o + SL + half))
                .intoArray(acc, o + SL + half);
    }
}

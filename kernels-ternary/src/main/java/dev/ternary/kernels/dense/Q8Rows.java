package dev.ternary.kernels.dense;

import dev.ternary.kernels.simd.KernelSpecies;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Q8 weights of a {@link DenseMatrix} (int8, one fp32 scale per row: the int8 lm_head of ternary models), their
 * layout, and their GEMV/GEMM with its scalar twin.
 *
 * <p>Rows are stored in pairs interleaved in {@value #GRANULE}-byte granules ({@link #offset}), so that the kernel's
 * pass over two rows reads one sequential stream: on a Zen 3, the same pass over two separate rows read DRAM at
 * 7 GB/s per thread against 11-12 for one stream (docs/BENCHMARKS.md, session 16). A pass counts each row with four
 * FMA chains (blocks of V weights in turn) and loads each activation vector once for both rows.
 */
final class Q8Rows {
    /** Bytes of one row before the other row of its pair follows: a multiple of 4V at every vector width. */
    static final int GRANULE = 64;
    private static final VectorSpecies<Float> F = KernelSpecies.FLOAT;
    private static final int V = F.length();
    /** V weight bytes, widened to one float vector. */
    private static final VectorSpecies<Byte> B_QUARTER = ByteVector.SPECIES_MAX.withShape(
            VectorShape.forBitSize(Math.max(64, F.vectorBitSize() / 4)));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final MemorySegment data;
    private final int rows;
    private final int cols;
    /** The columns in whole granules; the rest of each row of a pair follows them, row after row. */
    private final int full;
    /** Per row: weight = scale * int8. */
    final float[] scale;

    /** @param data the matrix's bytes, with 64 bytes of slack past {@code rows * cols} for narrow loads */
    Q8Rows(MemorySegment data, int rows, int cols) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.full = cols - cols % GRANULE;
        this.scale = new float[rows];
    }

    /**
     * Where weight {@code (r, c)} is. Rows {@code 2p} and {@code 2p + 1} share the {@code 2 * cols} bytes from
     * {@code 2p * cols}: first their whole granules, alternating (row {@code 2p}'s first granule, row {@code 2p + 1}'s
     * first, ...), then row {@code 2p}'s remaining columns, then row {@code 2p + 1}'s. An odd last row is stored
     * plainly.
     */
    long offset(int r, int c) {
        long pair = (long) (r & ~1) * cols;
        if ((r | 1) == rows) {
            return pair + c;
        }
        int k = r & 1;
        if (c < full) {
            int inGranule = c % GRANULE;
            return pair + 2L * (c - inGranule) + (long) k * GRANULE + inGranule;
        }
        return pair + 2L * full + (long) k * (cols - full) + (c - full);
    }

    /** The int8 value of weight {@code (r, c)}. */
    float raw(int r, int c) {
        return data.get(ValueLayout.JAVA_BYTE, offset(r, c));
    }

    /** Quantizes row {@code r} from fp32 values: per-row absmax, {@code scale = max|w| / 127}, {@code rint(w / scale)}. */
    void quantizeRow(int r, float[] w, int offset) {
        float max = 0f;
        for (int c = 0; c < cols; c++) {
            max = Math.max(max, Math.abs(w[offset + c]));
        }
        float s = max == 0f ? 1f : max / 127f;
        scale[r] = s;
        byte[] q = new byte[cols];
        for (int c = 0; c < cols; c++) {
            q[c] = (byte) Math.max(-127f, Math.min(127f, (float) Math.rint(w[offset + c] / s)));
        }
        // the row's runs of adjacent bytes: its whole granules, then its rest (one byte at a time through offset()
        // was most of loading a 1B model's int8 lm_head, docs/BENCHMARKS.md, session 21)
        for (int c = 0; c < full; c += GRANULE) {
            MemorySegment.copy(q, c, data, ValueLayout.JAVA_BYTE, offset(r, c), GRANULE);
        }
        MemorySegment.copy(q, full, data, ValueLayout.JAVA_BYTE, offset(r, full), cols - full);
    }

    /** Row pairs, the units the workers share out (a worker takes both rows of a pair). */
    int pairs() {
        return (rows + 1) / 2;
    }

    /**
     * Scalar twin of the kernel, scaled: four lane accumulators taking blocks of V weights in turn over the whole
     * granules, added lane by lane as {@code (a + b) + (c + d)}, lanes summed in order, then the rest of the row.
     */
    float dotScalar(int r, float[] x, int xOffset) {
        float[][] chains = new float[4][V];
        for (int c = 0; c < full; c += 4 * V) {
            for (int j = 0; j < 4; j++) {
                for (int l = 0; l < V; l++) {
                    int col = c + j * V + l;
                    chains[j][l] = Math.fma(raw(r, col), x[xOffset + col], chains[j][l]);
                }
            }
        }
        float sum = 0f;
        for (int l = 0; l < V; l++) {
            sum += (chains[0][l] + chains[1][l]) + (chains[2][l] + chains[3][l]);
        }
        for (int c = full; c < cols; c++) {
            sum = Math.fma(raw(r, c), x[xOffset + c], sum);
        }
        return sum * scale[r];
    }

    /**
     * {@code y[t * rows + r] = (W x_t)[r]} for the rows of pairs {@code [from, to)} and tokens {@code t < tokens}, pair
     * by pair so the pair's bytes stay in L1 while every token reads them.
     *
     * @param lanes a scratch array of V floats
     */
    void rows(int from, int to, float[] x, int tokens, float[] y, float[] lanes) {
        for (int p = from; p < to; p++) {
            int r = 2 * p;
            for (int t = 0; t < tokens; t++) {
                if (r + 1 < rows) {
                    pair(r, x, t * cols, lanes, y, t * rows + r);
                } else {
                    y[t * rows + r] = last(x, t * cols, lanes) * scale[r];
                }
            }
        }
    }

    /**
     * Rows {@code r} and {@code r + 1} ({@code r} even), scaled, into {@code y[yAt]} and {@code y[yAt + 1]}. Written
     * out for both rows rather than through a helper: vectors passed to a call C2 does not inline get boxed
     * (DecodeAllocationTest). Each load is checked against the matrix's bounds: one constant-length slice per pass
     * (one check instead of eight) ran 9% faster in cache but no faster from DRAM, and C2 often compiled the slice
     * as an allocation, which made a model's first replies several times slower (docs/BENCHMARKS.md, session 21).
     */
    private void pair(int r, float[] x, int xOffset, float[] lanes, float[] y, int yAt) {
        long pair = (long) r * cols;
        FloatVector a0 = FloatVector.zero(F), b0 = a0, c0 = a0, d0 = a0, a1 = a0, b1 = a0, c1 = a0, d1 = a0;
        for (int c = 0; c < full; c += 4 * V) {
            long w = pair + 2L * c - c % GRANULE;
            FloatVector xa = FloatVector.fromArray(F, x, xOffset + c);
            FloatVector xb = FloatVector.fromArray(F, x, xOffset + c + V);
            FloatVector xc = FloatVector.fromArray(F, x, xOffset + c + 2 * V);
            FloatVector xd = FloatVector.fromArray(F, x, xOffset + c + 3 * V);
            a0 = load(data, w).fma(xa, a0);
            b0 = load(data, w + V).fma(xb, b0);
            c0 = load(data, w + 2 * V).fma(xc, c0);
            d0 = load(data, w + 3 * V).fma(xd, d0);
            a1 = load(data, w + GRANULE).fma(xa, a1);
            b1 = load(data, w + GRANULE + V).fma(xb, b1);
            c1 = load(data, w + GRANULE + 2 * V).fma(xc, c1);
            d1 = load(data, w + GRANULE + 3 * V).fma(xd, d1);
        }
        float sum0 = DenseMatrix.sumLanes(a0.add(b0).add(c0.add(d0)), lanes);
        float sum1 = DenseMatrix.sumLanes(a1.add(b1).add(c1.add(d1)), lanes);
        long rest0 = pair + 2L * full;
        long rest1 = rest0 + (cols - full);
        for (int c = full; c < cols; c++) {
            float xv = x[xOffset + c];
            sum0 = Math.fma(data.get(ValueLayout.JAVA_BYTE, rest0 + c - full), xv, sum0);
            sum1 = Math.fma(data.get(ValueLayout.JAVA_BYTE, rest1 + c - full), xv, sum1);
        }
        y[yAt] = sum0 * scale[r];
        y[yAt + 1] = sum1 * scale[r + 1];
    }

    /** The unpaired last row of an odd row count (stored plainly), counted as {@link #pair} counts each of its rows. */
    private float last(float[] x, int xOffset, float[] lanes) {
        long base = (long) (rows - 1) * cols;
        FloatVector a = FloatVector.zero(F), b = a, c2 = a, d = a;
        for (int c = 0; c < full; c += 4 * V) {
            a = load(data, base + c).fma(FloatVector.fromArray(F, x, xOffset + c), a);
            b = load(data, base + c + V).fma(FloatVector.fromArray(F, x, xOffset + c + V), b);
            c2 = load(data, base + c + 2 * V).fma(FloatVector.fromArray(F, x, xOffset + c + 2 * V), c2);
            d = load(data, base + c + 3 * V).fma(FloatVector.fromArray(F, x, xOffset + c + 3 * V), d);
        }
        float sum = DenseMatrix.sumLanes(a.add(b).add(c2.add(d)), lanes);
        for (int c = full; c < cols; c++) {
            sum = Math.fma(data.get(ValueLayout.JAVA_BYTE, base + c), x[xOffset + c], sum);
        }
        return sum;
    }

    /** V weights at {@code offset} of {@code w}, widened to floats. */
    private static FloatVector load(MemorySegment w, long offset) {
        return (FloatVector) ByteVector.fromMemorySegment(B_QUARTER, w, offset, LE)
                .convertShape(VectorOperators.B2F, F, 0);
    }
}

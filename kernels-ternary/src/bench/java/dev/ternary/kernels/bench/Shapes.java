package dev.ternary.kernels.bench;

import dev.ternary.kernels.dense.DenseFormat;
import dev.ternary.kernels.dense.DenseMatrix;
import dev.ternary.kernels.format.TernaryFormat;
import dev.ternary.kernels.ternary.TernaryMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Builds benchmark matrices: random weights at real shapes, enough distinct copies to stream from DRAM. */
final class Shapes {
    /** Each benchmark cycles over at least this many bytes of weights (L3 here is 32 MiB, the brief's ~105 MB). */
    static final long MIN_BYTES = 512L << 20;

    private Shapes() {}

    static int rows(String shape) {
        return Integer.parseInt(shape.substring(0, shape.indexOf('x')));
    }

    static int cols(String shape) {
        return Integer.parseInt(shape.substring(shape.indexOf('x') + 1));
    }

    static int copies(long bytesPerMatrix) {
        return (int) Math.max(1, Math.ceilDiv(MIN_BYTES, bytesPerMatrix));
    }

    /** Random trits (40% zeros, like absmean-ternarized weights) in {@code format}, replicated. */
    static List<TernaryMatrix> ternary(String shape, TernaryFormat format) {
        int rows = rows(shape), cols = cols(shape);
        SplittableRandom random = new SplittableRandom(42);
        byte[] trits = new byte[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < trits.length; i++) {
            int r = random.nextInt(10);
            trits[i] = (byte) (r < 4 ? 0 : r < 7 ? 1 : -1);
        }
        TernaryMatrix first = TernaryMatrix.fromTrits(trits, rows, cols, 0.02f, format);
        List<TernaryMatrix> list = new ArrayList<>();
        list.add(first);
        for (int i = 1; i < copies(first.byteSize()); i++) {
            list.add(first.copy());
        }
        return list;
    }

    /** Random dense weights (Gaussian-ish values), replicated. */
    static List<DenseMatrix> dense(String shape, DenseFormat format) {
        int rows = rows(shape), cols = cols(shape);
        DenseMatrix first = DenseMatrix.allocate(format, rows, cols);
        MemorySegment data = first.data();
        SplittableRandom random = new SplittableRandom(43);
        long n = (long) rows * cols;
        switch (format) {
            case F32 -> {
                for (long i = 0; i < n; i++) {
                    data.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (random.nextDouble() * 2 - 1) * 0.05f);
                }
            }
            case BF16 -> {
                for (long i = 0; i < n; i++) {
                    data.setAtIndex(ValueLayout.JAVA_SHORT, i,
                            DenseMatrix.toBf16((float) (random.nextDouble() * 2 - 1) * 0.05f));
                }
            }
            case Q8 -> {
                for (long i = 0; i < n; i++) {
                    data.set(ValueLayout.JAVA_BYTE, i, (byte) (random.nextInt(255) - 127));
                }
                for (int r = 0; r < rows; r++) {
                    first.setRowScale(r, 0.05f / 127);
                }
            }
        }
        List<DenseMatrix> list = new ArrayList<>();
        list.add(first);
        for (int i = 1; i < copies(first.byteSize()); i++) {
            list.add(first.copy());
        }
        return list;
    }

    static float[] activations(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return x;
    }
}

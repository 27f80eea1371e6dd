package dev.ternary.kernels.dense;

import dev.ternary.kernels.parallel.KernelThreads;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

/**
 * Runs a dense format's GEMV and GEMM many times on a small matrix the first time a matrix of that format is built,
 * as {@code KernelWarmUp} does for the ternary kernels: C2 then compiles them from many short calls before the first
 * real one. Otherwise a model's first int8 lm_head GEMV (128256 x 2048) is one long loop run by the interpreter and
 * C1, with the Vector API's vectors boxed, until C2 replaces it on the stack: 0.6 s instead of 15 ms, most of the
 * first reply's wait (docs/BENCHMARKS.md, session 21).
 */
final class DenseWarmUp {
    /** Two granules and a rest per row, and an odd row count: every path of the Q8 pair layout. */
    private static final int ROWS = 33;
    private static final int COLS = 160;
    private static final int TOKENS = 4;
    private static final Set<DenseFormat> WARMED = EnumSet.noneOf(DenseFormat.class);

    private DenseWarmUp() {}

    /** Warms up {@code format}'s kernels unless that was done (or started) before in this JVM. */
    static void once(DenseFormat format) {
        synchronized (WARMED) {
            if (!WARMED.add(format)) {
                return;
            }
        }
        Random random = new Random(7);
        float[] w = new float[ROWS * COLS];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        float[] x = new float[COLS * TOKENS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        float[] y = new float[ROWS * TOKENS];
        KernelThreads single = KernelThreads.single();
        try (DenseMatrix m = DenseMatrix.fromFloats(format, w, ROWS, COLS)) {
            for (int i = 0; i < 6_000; i++) {
                m.gemv(single, x, y);
            }
            for (int i = 0; i < 600; i++) {
                m.gemm(single, x, TOKENS, y);
            }
        }
    }

    /** Whether {@link #once} has run (or is running) for {@code format} in this JVM. */
    static boolean started(DenseFormat format) {
        synchronized (WARMED) {
            return WARMED.contains(format);
        }
    }
}

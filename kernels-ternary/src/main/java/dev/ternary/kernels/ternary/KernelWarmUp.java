package dev.ternary.kernels.ternary;

import dev.ternary.kernels.format.TernaryFormat;
import dev.ternary.kernels.parallel.KernelThreads;
import dev.ternary.kernels.quant.ActivationQuantizer;
import dev.ternary.kernels.quant.Int8Activations;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Runs a format's GEMV and GEMM kernels many times on a small matrix the first time a matrix of that format is built,
 * so C2 compiles them from a full profile after many short calls. Otherwise the first real calls are long loops that
 * C2 may compile on stack replacement from a thin profile, leaving Vector API calls unintrinsified and boxed: the
 * 2-bit lookup kernel decoded llama-1b at 7-15 instead of 26-36 tok/s in every run with 512-bit vectors
 * (docs/BENCHMARKS.md, session 10). It costs 1.4-2.2 s once per format and JVM on a 2-core Zen 5, nearly all of it
 * before C2 has compiled the kernels (the GEMV within its first 1,000 calls, the GEMM within about 120). Run beside
 * the loading thread instead, it took about twice as long and made `ternary generate` slower (session 14).
 */
final class KernelWarmUp {
    private static final int ROWS = 64;
    private static final int COLS = 640;
    private static final int TOKENS = TokenLaneGemm.LANES;
    private static final Set<TernaryFormat> WARMED = new HashSet<>();

    private KernelWarmUp() {}

    /** Warms up {@code format}'s kernels unless that was done (or started) before in this JVM. */
    static void once(TernaryFormat format) {
        synchronized (WARMED) {
            if (!WARMED.add(format)) {
                return;
            }
        }
        Random random = new Random(7);
        byte[] trits = new byte[ROWS * COLS];
        for (int i = 0; i < trits.length; i++) {
            trits[i] = (byte) (random.nextInt(3) - 1);
        }
        float[] v = new float[COLS * TOKENS];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        Int8Activations x = new Int8Activations(COLS, TOKENS);
        ActivationQuantizer.quantizeBlock(v, TOKENS, x);
        float[] out = new float[ROWS * TOKENS];
        KernelThreads single = KernelThreads.single();
        try (TernaryMatrix m = TernaryMatrix.fromTrits(trits, ROWS, COLS, 1f, format)) {
            for (int i = 0; i < 20_000; i++) {
                m.gemv(single, x, i % TOKENS, out);
            }
            for (int i = 0; i < 300; i++) {
                m.gemm(single, x, i % 2 == 0 ? TOKENS : 8, out);
            }
        }
    }

    /** Whether {@link #once} has run (or is running) for {@code format} in this JVM. */
    static boolean started(TernaryFormat format) {
        synchronized (WARMED) {
            return WARMED.contains(format);
        }
    }
}

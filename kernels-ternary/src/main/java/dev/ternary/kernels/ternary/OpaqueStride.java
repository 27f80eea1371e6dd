package dev.ternary.kernels.ternary;

/**
 * The step of the bit-plane kernels' block loops: always 1, but read from a field C2 does not fold, so it cannot prove
 * the stride constant and compiles those loops as plain loops instead of counted loops. (Tried in the Q8 and 2-bit
 * loops too, it made them slower: they need the unrolling a counted loop gets.)
 *
 * <p>As counted loops they came out of C2 in one of two shapes, depending on the profile it happened to see in that
 * JVM: the bit-plane GEMV kernel ({@link BitPlaneKernel#dotRows}) either with range-check-eliminated pre, main and
 * post loops (4,792 bytes of code) or with the checks left in the loop (3,048 bytes), and the first ran 1.6x slower.
 * So one JVM in four to eight ran the GEMV at 185-198 µs instead of 113-141 (2048x8192, 2 threads), and a benchmark or
 * a decode run got one speed or the other by chance. With this stride every JVM compiled the same 2,552 bytes, faster
 * than either: 168-177 µs at one thread and 93-117 at two, in 6 forks of 6 each; its pair kernel
 * ({@link BitPlaneKernel#dotRowsPair}) too, and the 64-token GEMM got 3-12% faster (docs/BENCHMARKS.md, session 15).
 */
final class OpaqueStride {
    /** Never written. Not {@code final}: C2 folds static finals into constants, and then the loops are counted. */
    static int one = 1;

    private OpaqueStride() {}
}

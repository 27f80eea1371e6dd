package dev.ternary.kernels.simd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.incubator.vector.VectorShape;

/**
 * The CPU's feature flags, for choosing between kernels whose speed depends on instructions the JIT can only use
 * when the CPU has them (the Vector API falls back to slower sequences otherwise). Read from Linux's
 * {@code /proc/cpuinfo}; empty where that file does not exist, so choices fall back to the portable kernels.
 */
public final class CpuFeatures {
    /** Flags of the first CPU, e.g. {@code avx2}, {@code avx512_vpopcntdq}. */
    public static final Set<String> FLAGS = read(Path.of("/proc/cpuinfo"));

    private CpuFeatures() {}

    /** Whether 64-bit lanes have a one-instruction population count ({@code vpopcntq}, AVX-512 VPOPCNTDQ). */
    public static boolean hasVectorPopcount() {
        return FLAGS.contains("avx512_vpopcntdq");
    }

    /**
     * Whether the JIT will give a popcount kernel one-instruction vector popcounts: the CPU has VPOPCNTDQ and the JVM
     * emits 512-bit vectors. (Run with {@code -XX:UseAVX=2} on such a CPU, the bit-plane kernel took 1,674 µs where
     * the lookup kernel took 412: docs/BENCHMARKS.md, session 6.)
     */
    public static boolean jitHasVectorPopcount() {
        return hasVectorPopcount() && VectorShape.preferredShape().vectorBitSize() >= 512;
    }

    static Set<String> read(Path cpuinfo) {
        if (!Files.isReadable(cpuinfo)) {
            return Set.of();
        }
        try {
            return parse(Files.readAllLines(cpuinfo));
        } catch (IOException e) {
            return Set.of(); // a probe only: without it the portable kernels are chosen, which is always correct
        }
    }

    /** The words after {@code flags :} on the first such line of a cpuinfo text. */
    static Set<String> parse(List<String> lines) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals("flags")) {
                return Arrays.stream(line.substring(colon + 1).strip().split("\\s+"))
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
            }
        }
        return Set.of();
    }
}

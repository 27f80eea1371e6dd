package dev.ternary.infer.model;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.kernels.format.TernaryFormat;
import dev.ternary.kernels.simd.CpuFeatures;

/** The kernel layouts users can choose by name. */
final class TernaryFormats {
    private static final String NAMES = "auto, 2bit, bitplane, bitslice or base3";

    private TernaryFormats() {}

    static TernaryFormat byName(String name) {
        return switch (name) {
            case "auto" -> fastest();
            case "2bit" -> TernaryFormat.TWO_BIT;
            case "bitplane" -> TernaryFormat.BIT_PLANE;
            case "bitslice" -> TernaryFormat.BIT_SLICE;
            case "base3" -> TernaryFormat.BASE3;
            default -> throw new InvalidInputException("--ternary-format must be " + NAMES + ", got '" + name + "'");
        };
    }

    /**
     * The faster 2-bit layout for this CPU and JVM: the popcount kernel needs a one-instruction vector popcount
     * (AVX-512 VPOPCNTDQ, used by the JIT); without it the lookup-table kernel is 4x faster (docs/BENCHMARKS.md).
     */
    static TernaryFormat fastest() {
        return CpuFeatures.jitHasVectorPopcount() ? TernaryFormat.BIT_PLANE : TernaryFormat.TWO_BIT;
    }
}

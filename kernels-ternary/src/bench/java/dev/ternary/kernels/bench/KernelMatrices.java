package dev.ternary.kernels.bench;

import dev.ternary.kernels.dense.DenseFormat;
import dev.ternary.kernels.dense.DenseMatrix;
import dev.ternary.kernels.format.TernaryFormat;
import dev.ternary.kernels.ternary.TernaryMatrix;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The matrices a GEMV or GEMM benchmark cycles over for one {@code kernel} parameter: a ternary format (int8
 * activations) or a dense one (fp32 activations), {@link Shapes#MIN_BYTES} or more of them, handed out in turn.
 */
final class KernelMatrices implements AutoCloseable {
    private final List<TernaryMatrix> ternary;
    private final List<DenseMatrix> dense;
    private int next;

    private KernelMatrices(List<TernaryMatrix> ternary, List<DenseMatrix> dense) {
        this.ternary = ternary;
        this.dense = dense;
    }

    /** lut2, base3, bitplane, bitslice (ternary), bf16, f32, q8 (dense). */
    static KernelMatrices of(String kernel, String shape) {
        return switch (kernel) {
            case "lut2" -> ternary(shape, TernaryFormat.TWO_BIT);
            case "base3" -> ternary(shape, TernaryFormat.BASE3);
            case "bitplane" -> ternary(shape, TernaryFormat.BIT_PLANE);
            case "bitslice" -> ternary(shape, TernaryFormat.BIT_SLICE);
            case "bf16" -> dense(shape, DenseFormat.BF16);
            case "f32" -> dense(shape, DenseFormat.F32);
            case "q8" -> dense(shape, DenseFormat.Q8);
            default -> throw new IllegalArgumentException("unknown kernel " + kernel);
        };
    }

    private static KernelMatrices ternary(String shape, TernaryFormat format) {
        return new KernelMatrices(Shapes.ternary(shape, format), null);
    }

    private static KernelMatrices dense(String shape, DenseFormat format) {
        return new KernelMatrices(null, Shapes.dense(shape, format));
    }

    boolean isTernary() {
        return ternary != null;
    }

    /** The next ternary matrix in the cycle (only when {@link #isTernary}). */
    TernaryMatrix nextTernary() {
        TernaryMatrix m = ternary.get(next);
        next = next + 1 == ternary.size() ? 0 : next + 1;
        return m;
    }

    /** The next dense matrix in the cycle (only when not {@link #isTernary}). */
    DenseMatrix nextDense() {
        DenseMatrix m = dense.get(next);
        next = next + 1 == dense.size() ? 0 : next + 1;
        return m;
    }

    /** The matrices' weight memory, in cycle order. */
    List<MemorySegment> segments() {
        return isTernary() ? ternary.stream().map(TernaryMatrix::packed).toList()
                : dense.stream().map(DenseMatrix::data).toList();
    }

    /** A one-line description: how many matrices of how many bytes. */
    String describe() {
        long bytes = isTernary() ? ternary.get(0).byteSize() : dense.get(0).byteSize();
        int count = isTernary() ? ternary.size() : dense.size();
        return String.format("%d matrices of %d bytes (%.0f MiB cycled)", count, bytes,
                count * (double) bytes / (1 << 20));
    }

    @Override
    public void close() {
        if (ternary != null) {
            ternary.forEach(TernaryMatrix::close);
        }
        if (dense != null) {
            dense.forEach(DenseMatrix::close);
        }
    }
}

package dev.ternary.kernels.ternary;

import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;

import dev.ternary.kernels.format.Base3Format;
import dev.ternary.kernels.quant.Int8Activations;
import dev.ternary.kernels.simd.KernelSpecies;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Masked add/subtract GEMV/GEMM over {@link Base3Format}, decoding the 5 trits of each byte on the fly.
 *
 * <p>Digit {@code k} of a byte {@code b} is {@code floor(3x / 256)} with {@code x = b * 3^k mod 256}: the kernel
 * keeps {@code x ^ 0x80} in a byte vector ({@code x <- x + x + x} per digit, wrapping) and turns it into the masks
 * {@code T = +1 <=> x >= 171} and {@code T = -1 <=> x < 86} with two signed compares. No multiplication.
 * (At ~4 GB/s per thread it takes about 2x the time of {@link Lut2Kernel} per matrix; see docs/BENCHMARKS.md.)
 *
 * <p>Accumulation avoids sign-extending every byte: with the biased activations {@code u = q + 128} and
 * {@code nu = 127 - q = u ^ 0xFF} (both in [1, 255]), the selected byte {@code v = T==+1 ? u : T==-1 ? nu : 0},
 * computed as {@code u ^ minus} (all-ones bytes where {@code T = -1}) kept where {@code T != 0}, sums to
 * {@code sum T*q + 128 n+ + 127 n-}, where the per-row counts {@code n+}, {@code n-} are known at pack time. Pairs of
 * unsigned bytes read as one int16 {@code s = lo + 256 hi} are summed as {@code A += s} (wrapping) and
 * {@code H += s >>> 8}; {@code A - 256 H} is then the exact low-byte sum modulo 2^16, exact while it stays below 2^16,
 * so lanes are folded to int32 every {@link #FOLD_BLOCKS} blocks.
 */
final class Base3Kernel {
    static final VectorSpecies<Byte> B = KernelSpecies.BYTE;
    static final VectorSpecies<Short> S = KernelSpecies.SHORT;
    static final VectorSpecies<Integer> I = KernelSpecies.INT;
    static final int W = B.length();
    static final int HALVES = Base3Format.BLOCK_BYTES / W;
    /** Keeps at most 250 int16 additions per lane between folds (each adds a value <= 255 to H). */
    static final int FOLD_BLOCKS = Math.max(1, 250 / (Base3Format.TRITS_PER_BYTE * HALVES));
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int SLOT = 1;

    /** Per token: {@code u = q ^ 0x80} over the stride. */
    static final Int8Activations.DerivedView<byte[]> BIASED = new Int8Activations.DerivedView<>() {
        @Override
        public byte[] allocate(Int8Activations x) {
            return new byte[Math.multiplyExact(x.stride(), x.capacity())];
        }

        @Override
        public void build(Int8Activations x, int token, byte[] view) {
            byte[] q = x.q();
            int stride = x.stride();
            int src = token * stride;
            for (int i = 0; i < stride; i++) {
                view[src + i] = (byte) (q[src + i] ^ 0x80);
            }
        }
    };

    private Base3Kernel() {}

    static byte[] biased(Int8Activations x, int token) {
        return x.derived(SLOT, token, BIASED);
    }

    /**
     * The bias {@code 128 n+ + 127 n-} of one row of trits, subtracted from its sum in {@link #dotRows}. Counted as
     * {@code 127 (n+ + n-) + n+} without branches: with random trits a branch per trit mispredicted often enough to
     * make this most of a base-3 model's load time (docs/BENCHMARKS.md, session 21).
     */
    static int rowBias(byte[] trits, int offset, int cols) {
        int nonZero = 0;
        int plus = 0;
        for (int c = 0; c < cols; c++) {
            int t = trits[offset + c];
            nonZero += t & 1;
            plus += (t + 1) >> 1;
        }
        return 127 * nonZero + plus;
    }

    /**
     * {@code out[outOff + i] = factor * (sum T*q of row i)} for {@code rowCount} consecutive rows: each row's
     * {@code sum v} (see the class comment) less its bias. One call covers many rows because the per-call set-up
     * (bounds checks, constants) cost about as much as a 2048-column row.
     *
     * @param rowOffset offset of the first row in {@code w}
     * @param rowBias   the rows' biases, {@code rowBias[biasOff + i]} for row {@code i}
     * @param uOff      offset of the token's {@code u} bytes in {@code biased}
     */
    static void dotRows(MemorySegment w, long rowOffset, long rowBytes, int rowCount, int blocks, byte[] biased,
                        int uOff, int[] rowBias, int biasOff, float factor, float[] out, int outOff) {
        // constants as loop-invariant locals: C2 sometimes re-created them for every digit otherwise
        ByteVector zero = ByteVector.zero(B);
        ByteVector ones = ByteVector.broadcast(B, (byte) -1);
        ByteVector low = ByteVector.broadcast(B, (byte) -42);
        ByteVector high = ByteVector.broadcast(B, (byte) 42);
        for (int i = 0; i < rowCount; i++) {
            long row = rowOffset + i * rowBytes;
            IntVector total = IntVector.zero(I);
            ShortVector a = ShortVector.zero(S);
            ShortVector h = a;
            // Fold outside the inner loop: a branch with a call inside it makes the JIT spill the accumulators.
            for (int segment = 0; segment < blocks; segment += FOLD_BLOCKS) {
                int chunkEnd = Math.min(blocks, segment + FOLD_BLOCKS) * HALVES;
                for (int chunk = segment * HALVES; chunk < chunkEnd; chunk++) {
                    // x' = x ^ 0x80 obeys the same recurrence x' <- 3x' (mod 256) and turns the unsigned thresholds
                    // into signed ones: x >= 171 <=> x' > 42, x < 86 <=> x' < -42 (one vpcmpgtb each)
                    ByteVector x = ByteVector.fromMemorySegment(B, w, row + (long) chunk * W, LE)
                            .lanewise(VectorOperators.XOR, (byte) 0x80);
                    int col = chunk / HALVES * Base3Format.BLOCK_COLS + chunk % HALVES * W;
                    // One digit per pass; the JIT unrolls the five. (Five hand-written copies compiled to code that
                    // spilled its accumulators and ran at half this speed.)
                    for (int digit = 0; digit < Base3Format.TRITS_PER_BYTE; digit++) {
                        ByteVector u = ByteVector.fromArray(B, biased,
                                uOff + col + digit * Base3Format.BLOCK_BYTES);
                        // v = u ^ minus where T != 0: one activation load instead of u and nu (the former two-blend
                        // form was ~7% slower; docs/BENCHMARKS.md, session 4)
                        VectorMask<Byte> minus = x.compare(LT, low);
                        ShortVector s = zero.blend(u.lanewise(VectorOperators.XOR, zero.blend(ones, minus)),
                                x.compare(GT, high).or(minus)).reinterpretAsShorts();
                        a = a.add(s);
                        h = h.add(s.lanewise(LSHR, 8));
                        x = x.add(x).add(x);
                    }
                }
                total = fold(total, a, h);
                a = a.broadcast(0);
                h = a;
            }
            out[outOff + i] = (total.reduceLanes(VectorOperators.ADD) - rowBias[biasOff + i]) * factor;
        }
    }

    private static IntVector fold(IntVector total, ShortVector a, ShortVector h) {
        ShortVector low = a.sub(h.lanewise(LSHL, 8));
        for (int part = 0; part < 2; part++) {
            IntVector l = ((IntVector) low.convert(S2I, part)).and(0xFFFF);
            IntVector hh = ((IntVector) h.convert(S2I, part)).and(0xFFFF);
            total = total.add(l).add(hh);
        }
        return total;
    }
}

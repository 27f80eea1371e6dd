package dev.ternary.kernels.ternary;

import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.XOR;

import dev.ternary.kernels.format.Base3Format;
import dev.ternary.kernels.format.BitPlaneFormat;
import dev.ternary.kernels.simd.KernelSpecies;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Decodes base-3 rows into the {@link BitPlaneFormat} layout, for the base-3 GEMM: a tile of rows is decoded once and
 * then counted for every token of the call by {@link BitPlaneKernel#dotRowsPair}, so the decoding that makes the
 * base-3 GEMV slow is paid once per weight instead of once per weight and token.
 *
 * <p>Digit {@code k} of a base-3 block holds {@link Base3Format#BLOCK_BYTES} consecutive columns, group {@code m = 5 *
 * block + k} of the row: a whole 64-bit word of a bit plane with 64-byte blocks, half of one with 32-byte blocks. The
 * digit's masks come from the same two signed compares as in {@link Base3Kernel} ({@code x' > 42}: +1,
 * {@code x' < -42}: -1), one bit per byte lane.
 */
final class Base3BitPlanes {
    private static final VectorSpecies<Byte> B = KernelSpecies.BYTE;
    private static final int W = B.length();
    private static final int PARTS = Base3Format.BLOCK_BYTES / W;
    /** Columns of one digit of a block (a group): 32 or 64. */
    private static final int GROUP = Base3Format.BLOCK_BYTES;
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Base3BitPlanes() {}

    /**
     * Decodes {@code rowCount} base-3 rows starting at {@code rowOffset} of {@code w} into bit-plane rows of
     * {@code planeRowBytes} bytes at the start of {@code dst}, and stores each row's {@link BitPlaneKernel#rowBias}
     * (minus its count of -1 weights) in {@code bias[i]}.
     *
     * @param blocks base-3 blocks per row
     */
    static void decodeRows(MemorySegment w, long rowOffset, long rowBytes, int rowCount, int blocks,
                           MemorySegment dst, long planeRowBytes, int[] bias) {
        int words = BitPlaneTile.rowWords(planeRowBytes);
        // base-3 groups past the bit-plane row hold only padding columns (zero trits)
        int decoded = Math.min(words, Math.ceilDiv(blocks * Base3Format.TRITS_PER_BYTE * GROUP, 64));
        int groups = Math.min(blocks * Base3Format.TRITS_PER_BYTE, decoded * 64 / GROUP);
        for (int i = 0; i < rowCount; i++) {
            long src = rowOffset + i * rowBytes;
            long row = i * planeRowBytes;
            int negatives = 0;
            long plus = 0;
            long minus = 0;
            for (int m = 0; m < groups; m++) {
                long block = src + (long) (m / Base3Format.TRITS_PER_BYTE) * Base3Format.BLOCK_BYTES;
                int digit = m % Base3Format.TRITS_PER_BYTE;
                int bit = m * GROUP % 64;
                // narrower vectors fill the group in parts
                for (int part = 0; part < PARTS; part++) {
                    // x' = x ^ 0x80 as in Base3Kernel: x' <- 3x' (mod 256) moves to the next digit
                    ByteVector x = ByteVector.fromMemorySegment(B, w, block + (long) part * W, ByteOrder.LITTLE_ENDIAN)
                            .lanewise(XOR, (byte) 0x80);
                    for (int k = 0; k < digit; k++) {
                        x = x.add(x).add(x);
                    }
                    plus |= x.compare(GT, (byte) 42).toLong() << (bit + part * W);
                    minus |= x.compare(LT, (byte) -42).toLong() << (bit + part * W);
                }
                if (bit + GROUP == 64 || m == groups - 1) {
                    long at = row + BitPlaneFormat.wordOffset(m * GROUP / 64);
                    dst.set(WORD, at, plus);
                    dst.set(WORD, at + BitPlaneFormat.PLANE_BYTES, minus);
                    negatives += Long.bitCount(minus);
                    plus = 0;
                    minus = 0;
                }
            }
            for (int n = decoded; n < words; n++) {
                long at = row + BitPlaneFormat.wordOffset(n);
                dst.set(WORD, at, 0L);
                dst.set(WORD, at + BitPlaneFormat.PLANE_BYTES, 0L);
            }
            bias[i] = -negatives;
        }
    }
}

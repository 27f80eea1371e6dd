package dev.ternary.kernels.ternary;

import static jdk.incubator.vector.VectorOperators.AND_NOT;

import dev.ternary.kernels.format.BitPlaneFormat;
import dev.ternary.kernels.format.BitSliceFormat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.LongVector;

/**
 * Decodes bit-slice row blocks into the {@link BitPlaneFormat} layout, for the bit-slice GEMM: as for base-3
 * ({@link Base3BitPlanes}), a tile is decoded once and counted for every token by {@link BitPlaneKernel#dotRowsPair}.
 * (A bit-slice pair kernel of its own sat at ~21,000 live nodes in C2, past its 18,000-node inlining cutoff, and in
 * some JVMs ran boxed: docs/BENCHMARKS.md, session 10.)
 *
 * <p>Trit {@code k} of group {@code g} covers columns {@code 320g + 64k .. +63}, one 64-bit word of a bit plane
 * ({@code n = 5g + k}); {@link BitSliceKernel#decodeVector} gives its nonzero mask {@code NZ} for a vector of rows,
 * the stored sign bits {@code S} mark the -1s among them: {@code P = NZ & ~S}, {@code M = NZ & S}.
 */
final class BitSliceBitPlanes {
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<long[]> LANES =
            ThreadLocal.withInitial(() -> new long[2 * BitSliceFormat.ROW_BLOCK]);

    private BitSliceBitPlanes() {}

    /**
     * Decodes the {@code rowBlocks} row blocks from {@code base} of {@code w} ({@code blockBytes} apart) into the first
     * {@code rowCount} (at most {@code 8 * rowBlocks}) bit-plane rows of {@code planeRowBytes} at the start of
     * {@code dst}, and stores each row's {@link BitPlaneKernel#rowBias} in {@code bias[i]}.
     */
    static void decodeRows(MemorySegment w, long base, long blockBytes, int rowBlocks, int groups, int rowCount,
                           MemorySegment dst, long planeRowBytes, int[] bias) {
        int vl = BitSliceKernel.L.length();
        int words = BitPlaneTile.rowWords(planeRowBytes);
        // a bit-slice word past the bit-plane row holds only padding columns (zero trits)
        int decoded = Math.min(words, groups * BitSliceFormat.TRITS);
        MemorySegment item = BitSliceKernel.scratch(BitSliceKernel.ITEM_BYTES);
        long[] lanes = LANES.get();
        Arrays.fill(bias, 0, rowCount, 0);
        for (int i = 0; i < rowCount; i++) {
            for (int n = decoded; n < words; n++) {
                long at = i * planeRowBytes + BitPlaneFormat.wordOffset(n);
                dst.set(WORD, at, 0L);
                dst.set(WORD, at + BitPlaneFormat.PLANE_BYTES, 0L);
            }
        }
        int runs = rowBlocks * BitSliceKernel.parts();
        for (int run = 0; run < runs; run++) {
            int row0 = run * vl;
            int count = Math.min(vl, rowCount - row0);
            if (count <= 0) {
                break;
            }
            long runO = BitSliceKernel.runOffset(base, blockBytes, run);
            for (int g = 0; g < groups; g++) {
                long o = runO + (long) g * BitSliceFormat.CHUNK_BYTES;
                BitSliceKernel.decodeVector(w, o, item, 0);
                for (int k = 0; k < BitSliceFormat.TRITS; k++) {
                    int n = BitSliceFormat.TRITS * g + k;
                    if (n >= decoded) {
                        break;
                    }
                    LongVector nz = LongVector.fromMemorySegment(BitSliceKernel.L, item, k * 64L, BitSliceKernel.LE);
                    LongVector s = LongVector.fromMemorySegment(BitSliceKernel.L, w,
                            o + (long) k * BitSliceKernel.PLANE_STRIDE, BitSliceKernel.LE);
                    nz.lanewise(AND_NOT, s).intoArray(lanes, 0);
                    nz.and(s).intoArray(lanes, vl);
                    long word = BitPlaneFormat.wordOffset(n);
                    for (int j = 0; j < count; j++) {
                        long at = (row0 + j) * planeRowBytes + word;
                        long minus = lanes[vl + j];
                        dst.set(WORD, at, lanes[j]);
                        dst.set(WORD, at + BitPlaneFormat.PLANE_BYTES, minus);
                        bias[row0 + j] -= Long.bitCount(minus);
                    }
                }
            }
        }
    }
}

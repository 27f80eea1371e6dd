package dev.ternary.kernels.ternary;

import dev.ternary.kernels.format.BitPlaneFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A worker's tile of rows decoded into the {@link BitPlaneFormat} layout, with each row's
 * {@link BitPlaneKernel#rowBias}: what the 1.6-bit formats' GEMMs decode once and then count for every token with
 * {@link BitPlaneKernel#dotRowsPair}. One per thread, grown on first use and kept.
 */
final class BitPlaneTile {
    private static final ThreadLocal<BitPlaneTile> TILE = ThreadLocal.withInitial(BitPlaneTile::new);

    MemorySegment planes = MemorySegment.NULL;
    int[] bias = new int[0];

    private BitPlaneTile() {}

    /** 64-bit words of one plane of a decoded row of {@code planeRowBytes} (what a decoder fills per row). */
    static int rowWords(long planeRowBytes) {
        return (int) (planeRowBytes / BitPlaneFormat.BLOCK_BYTES) * BitPlaneKernel.WORDS;
    }

    /** This thread's tile, large enough for {@code rows} decoded rows of {@code planeRowBytes}. */
    static BitPlaneTile get(int rows, long planeRowBytes) {
        BitPlaneTile tile = TILE.get();
        if (tile.planes.byteSize() < rows * planeRowBytes) {
            tile.planes = Arena.ofAuto().allocate(rows * planeRowBytes, 64);
        }
        if (tile.bias.length < rows) {
            tile.bias = new int[rows];
        }
        return tile;
    }
}

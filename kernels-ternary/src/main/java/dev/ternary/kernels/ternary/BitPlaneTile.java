package dev.ternary.kernels.ternary;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A worker's tile of rows decoded into the {@link dev.ternary.kernels.format.BitPlaneFormat} layout, with each row's
 * {@link BitPlaneKernel#rowBias}: what the 1.6-bit formats' GEMMs decode once and then count for every token with
 * {@link BitPlaneKernel#dotRowsPair}. One per thread, grown on first use and kept.
 */
final class BitPlaneTile {
    private static final ThreadLocal<BitPlaneTile> TILE = ThreadLocal.withInitial(BitPlaneTile::new);

    MemorySegment planes = MemorySegment.NULL;
    int[] bias = new int[0];

    private BitPlaneTile() {}

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

package dev.ternary.infer.runtime;

/**
 * Keys and values of every layer for positions {@code 0..capacity-1}, preallocated so decoding never allocates.
 *
 * <p>Values per layer: {@code [position][kvHeads * headDim]}, so one position's values are contiguous for the weighted
 * sum. Keys per layer are stored in tiles of {@link #BLOCK} positions: per KV head and tile, {@code headDim} runs of
 * {@link #BLOCK} floats, run {@code i} holding component {@code i} of the tile's keys. A query's scores for a whole
 * tile are then vector FMAs of one broadcast query component and one contiguous run, with no horizontal sums, and a
 * tile is read front to back.
 */
public final class KvCache {
    /** Positions per key tile: {@link Attention#BLOCK}. */
    static final int BLOCK = Attention.BLOCK;

    private final float[][] keys;
    private final float[][] values;
    private final int kvHeads;
    private final int headDim;
    private final int kvDim;
    private final int capacity;
    private final int tiles;

    public KvCache(int layers, int kvHeads, int headDim, int capacity) {
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.kvDim = Math.multiplyExact(kvHeads, headDim);
        this.capacity = capacity;
        this.tiles = Math.ceilDiv(capacity, BLOCK);
        int keyFloats = Math.multiplyExact(Math.multiplyExact(tiles, BLOCK), kvDim);
        this.keys = new float[layers][keyFloats];
        this.values = new float[layers][Math.multiplyExact(capacity, kvDim)];
    }

    public int capacity() {
        return capacity;
    }

    /** A layer's key tiles; see {@link #keyTile}. */
    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    /** Offset in {@link #keys} of KV head {@code kvHead}'s tile {@code tile} ({@code headDim * BLOCK} floats). */
    int keyTile(int kvHead, int tile) {
        return (kvHead * tiles + tile) * headDim * BLOCK;
    }

    /** Stores one position's key and value vectors, read from {@code k[kOffset..]} and {@code v[vOffset..]}. */
    public void put(int layer, int position, float[] k, int kOffset, float[] v, int vOffset) {
        float[] layerKeys = keys[layer];
        for (int head = 0; head < kvHeads; head++) {
            int dst = keyTile(head, position / BLOCK) + position % BLOCK;
            int src = kOffset + head * headDim;
            for (int i = 0; i < headDim; i++) {
                layerKeys[dst + i * BLOCK] = k[src + i];
            }
        }
        System.arraycopy(v, vOffset, values[layer], position * kvDim, kvDim);
    }
}

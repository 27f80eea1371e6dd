package dev.ternary.infer.runtime;

/**
 * Keys and values of every layer for positions {@code 0..capacity-1}, preallocated so decoding never allocates.
 * Layout per layer: {@code [position][kvHeads * headDim]}, so one position's keys are contiguous.
 */
public final class KvCache {
    private final float[][] keys;
    private final float[][] values;
    private final int kvDim;
    private final int capacity;

    public KvCache(int layers, int kvDim, int capacity) {
        this.kvDim = kvDim;
        this.capacity = capacity;
        this.keys = new float[layers][Math.multiplyExact(capacity, kvDim)];
        this.values = new float[layers][Math.multiplyExact(capacity, kvDim)];
    }

    public int capacity() {
        return capacity;
    }

    public float[] keys(int layer) {
        return keys[layer];
    }

    public float[] values(int layer) {
        return values[layer];
    }

    /** Stores one position's key and value vectors, read from {@code k[kOffset..]} and {@code v[vOffset..]}. */
    public void put(int layer, int position, float[] k, int kOffset, float[] v, int vOffset) {
        System.arraycopy(k, kOffset, keys[layer], position * kvDim, kvDim);
        System.arraycopy(v, vOffset, values[layer], position * kvDim, kvDim);
    }
}

package dev.ternary.train.data;

/** Where a sampler stands: the epoch (which shuffled order) and the next index within it. */
public record DataPosition(long epoch, int cursor) {
    public static final DataPosition START = new DataPosition(0, 0);
}

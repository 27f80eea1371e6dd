package dev.ternary.train.data;

import java.util.SplittableRandom;

/**
 * Draws batches of training sequences in a shuffled order that depends only on the seed and the epoch, so a run
 * resumed from a {@link DataPosition} sees exactly the batches an uninterrupted run would have. An epoch's
 * order is a Fisher–Yates shuffle from a generator seeded by {@code (seed, epoch)}.
 */
public final class BatchSampler {
    private final PackedSequences data;
    private final long seed;
    private long epoch;
    private int cursor;
    private int[] order;

    public BatchSampler(PackedSequences data, long seed, DataPosition start) {
        this.data = data;
        this.seed = seed;
        this.epoch = start.epoch();
        this.cursor = start.cursor();
        this.order = order(epoch);
        if (cursor < 0 || cursor > order.length) {
            throw new IllegalArgumentException("data position " + start + " is outside " + order.length + " sequences");
        }
    }

    private int[] order(long e) {
        int[] o = new int[data.count()];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (e + 1)));
        for (int i = o.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    /** The next {@code batch} sequences, row-major {@code [batch, seqLen + 1]}; crosses into the next epoch as needed. */
    public int[] next(int batch) {
        int width = data.seqLen() + 1;
        int[] out = new int[batch * width];
        for (int b = 0; b < batch; b++) {
            if (cursor == order.length) {
                epoch++;
                cursor = 0;
                order = order(epoch);
            }
            data.copy(order[cursor++], out, b * width);
        }
        return out;
    }

    public DataPosition position() {
        return new DataPosition(epoch, cursor);
    }
}

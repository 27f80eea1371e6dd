package dev.ternary.train.checkpoint;

import dev.ternary.train.data.DataPosition;

/**
 * Everything besides tensors that a resumed run needs to continue as if never stopped.
 *
 * @param step        optimizer steps completed
 * @param data        where the batch sampler stands (epoch and index)
 * @param seed        the run's seed: with the epoch it fixes the shuffle, the only randomness after start-up
 * @param tokensSeen  training tokens consumed so far
 * @param elapsedSeconds training time so far, for throughput and ETA across restarts
 */
public record TrainingState(long step, DataPosition data, long seed, long tokensSeen, double elapsedSeconds) {}

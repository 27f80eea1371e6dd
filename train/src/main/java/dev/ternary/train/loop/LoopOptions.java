package dev.ternary.train.loop;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.InvalidInputException;
import dev.ternary.train.model.Torch;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Settings of the training loop shared by {@code ternary distill} and {@code ternary train}.
 *
 * @param steps            optimizer steps in total (a resumed run continues up to this)
 * @param batch            sequences per micro-batch
 * @param gradAccumulation micro-batches per optimizer step (effective batch = batch × this)
 * @param seqLen           tokens per sequence
 * @param learningRate     peak learning rate
 * @param minLrRatio       final learning rate as a fraction of the peak (cosine schedule)
 * @param lrWarmupSteps    linear learning-rate warm-up steps
 * @param weightDecay      AdamW decoupled weight decay (matrices only)
 * @param gradClip         global gradient-norm clip (0: none)
 * @param warmupQuantSteps steps over which λ ramps 0 → 1 (0: quantized from the start)
 * @param evalEvery        evaluate on held-out data every this many steps (0: only at the end)
 * @param evalSequences    at most this many held-out sequences per evaluation during training
 * @param checkpointEvery  checkpoint every this many steps (0: only on stop and at the end)
 * @param keepCheckpoints  how many recent checkpoints to keep
 * @param heldOutFraction  fraction of the data's sequences (the tail) held out for evaluation
 * @param device           cpu or gpu
 * @param threads          PyTorch intra-op CPU threads (0: one per core)
 * @param seed             seed for data order (and initial weights when training from scratch)
 * @param resume           continue the run in the output directory from its last checkpoint
 * @param force            delete an existing run in the output directory and start over
 */
public record LoopOptions(
        long steps,
        int batch,
        int gradAccumulation,
        int seqLen,
        double learningRate,
        double minLrRatio,
        long lrWarmupSteps,
        double weightDecay,
        double gradClip,
        long warmupQuantSteps,
        long evalEvery,
        int evalSequences,
        long checkpointEvery,
        int keepCheckpoints,
        double heldOutFraction,
        Torch.DeviceKind device,
        int threads,
        long seed,
        boolean resume,
        boolean force) {

    public LoopOptions {
        positive("--steps", steps);
        positive("--batch", batch);
        positive("--grad-accum", gradAccumulation);
        positive("--seq-len", seqLen);
        positive("--eval-sequences", evalSequences);
        positive("--keep-checkpoints", keepCheckpoints);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new InvalidInputException("--lr must be a positive number, got " + learningRate);
        }
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new InvalidInputException("--min-lr-ratio must be in [0, 1], got " + minLrRatio);
        }
        notNegative("--lr-warmup-steps", lrWarmupSteps);
        notNegative("--threads", threads);
        notNegative("--warmup-quant-steps", warmupQuantSteps);
        notNegative("--eval-every", evalEvery);
        notNegative("--checkpoint-every", checkpointEvery);
        if (!(weightDecay >= 0) || !(gradClip >= 0)) {
            throw new InvalidInputException("--weight-decay and --grad-clip must not be negative");
        }
        if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
            throw new InvalidInputException("--held-out must be in (0, 1), got " + heldOutFraction);
        }
        if (resume && force) {
            throw new InvalidInputException("--resume and --force contradict each other: pick one");
        }
    }

    private static void positive(String option, long value) {
        if (value < 1) {
            throw new InvalidInputException(option + " must be at least 1, got " + value);
        }
    }

    private static void notNegative(String option, long value) {
        if (value < 0) {
            throw new InvalidInputException(option + " must not be negative, got " + value);
        }
    }

    /** Training tokens per optimizer step. */
    public long tokensPerStep() {
        return (long) batch * gradAccumulation * seqLen;
    }

    /**
     * Adds the data path and the settings that describe a run (shared by {@code train} and {@code distill}) to its
     * {@code run.json} description; {@link RunDirectory} refuses a resume where the ones that shape the data differ.
     */
    public void describe(Path data, ObjectNode into) {
        into.put("data", data.toAbsolutePath().normalize().toString());
        into.put("seq_len", seqLen);
        into.put("batch", batch);
        into.put("grad_accum", gradAccumulation);
        into.put("seed", seed);
        into.put("held_out", heldOutFraction);
        into.put("steps", steps);
        into.put("lr", learningRate);
        into.put("device", device.name().toLowerCase(Locale.ROOT));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults for a small CPU run; every field can be set. */
    public static final class Builder {
        private long steps = 1000;
        private int batch = 8;
        private int gradAccumulation = 1;
        private int seqLen = 256;
        private double learningRate = 1e-4;
        private double minLrRatio = 0.1;
        private long lrWarmupSteps = -1;
        private double weightDecay = 0.01;
        private double gradClip = 1.0;
        private long warmupQuantSteps = 0;
        private long evalEvery = 100;
        private int evalSequences = 64;
        private long checkpointEvery = 200;
        private int keepCheckpoints = 2;
        private double heldOutFraction = 0.05;
        private Torch.DeviceKind device = Torch.DeviceKind.CPU;
        private int threads;
        private long seed = 1;
        private boolean resume;
        private boolean force;

        public Builder steps(long v) { steps = v; return this; }
        public Builder batch(int v) { batch = v; return this; }
        public Builder gradAccumulation(int v) { gradAccumulation = v; return this; }
        public Builder seqLen(int v) { seqLen = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder minLrRatio(double v) { minLrRatio = v; return this; }
        /** Default (when never set): 5% of the steps. */
        public Builder lrWarmupSteps(long v) { lrWarmupSteps = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder gradClip(double v) { gradClip = v; return this; }
        public Builder warmupQuantSteps(long v) { warmupQuantSteps = v; return this; }
        public Builder evalEvery(long v) { evalEvery = v; return this; }
        public Builder evalSequences(int v) { evalSequences = v; return this; }
        public Builder checkpointEvery(long v) { checkpointEvery = v; return this; }
        public Builder keepCheckpoints(int v) { keepCheckpoints = v; return this; }
        public Builder heldOutFraction(double v) { heldOutFraction = v; return this; }
        public Builder device(Torch.DeviceKind v) { device = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder resume(boolean v) { resume = v; return this; }
        public Builder force(boolean v) { force = v; return this; }

        public LoopOptions build() {
            long warmup = lrWarmupSteps >= 0 ? lrWarmupSteps : Math.max(1, steps / 20);
            return new LoopOptions(steps, batch, gradAccumulation, seqLen, learningRate, minLrRatio, warmup,
                    weightDecay, gradClip, warmupQuantSteps, evalEvery, evalSequences, checkpointEvery,
                    keepCheckpoints, heldOutFraction, device, threads, seed, resume, force);
        }
    }
}

package dev.ternary.cli;

import dev.ternary.train.loop.LoopOptions;
import dev.ternary.train.model.Torch;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Data, output and training-loop options shared by {@code train} and {@code distill} (a picocli mixin). */
final class TrainingLoopArgs {
    @Option(names = "--data", required = true, paramLabel = "PATH",
            description = "Text file, JSONL file ({\"text\": ...} per line) or a directory of them.")
    Path data;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Run directory.")
    Path output;

    @Option(names = "--steps", defaultValue = "1000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "8", description = "Sequences per micro-batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--grad-accum", defaultValue = "1", paramLabel = "N",
            description = "Micro-batches per optimizer step (default: ${DEFAULT-VALUE}).")
    int gradAccumulation;

    @Option(names = "--seq-len", defaultValue = "256", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int seqLen;

    @Option(names = "--lr-warmup-steps", paramLabel = "N",
            description = "Linear learning-rate warm-up before the cosine decay (default: 5% of --steps).")
    Long lrWarmupSteps;

    @Option(names = "--min-lr-ratio", defaultValue = "0.1",
            description = "Final learning rate as a fraction of --lr (default: ${DEFAULT-VALUE}).")
    double minLrRatio;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--grad-clip", defaultValue = "1.0",
            description = "Clip the global gradient norm; 0 disables (default: ${DEFAULT-VALUE}).")
    double gradClip;

    @Option(names = "--eval-every", defaultValue = "100", paramLabel = "N",
            description = "Held-out evaluation and loss plot every N steps; 0: at the end (default: ${DEFAULT-VALUE}).")
    long evalEvery;

    @Option(names = "--eval-sequences", defaultValue = "64", paramLabel = "N",
            description = "Held-out sequences per evaluation (default: ${DEFAULT-VALUE}).")
    int evalSequences;

    @Option(names = "--held-out", defaultValue = "0.05", paramLabel = "FRACTION",
            description = "Tail fraction of the data held out for evaluation (default: ${DEFAULT-VALUE}).")
    double heldOut;

    @Option(names = "--checkpoint-every", defaultValue = "200", paramLabel = "N",
            description = "Checkpoint every N steps, besides on Ctrl-C and at the end (default: ${DEFAULT-VALUE}).")
    long checkpointEvery;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "PyTorch CPU threads; 0: one per core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for data order and initial weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue the run in OUT from its last checkpoint.")
    boolean resume;

    @Option(names = "--force", description = "Delete the run in OUT and start over.")
    boolean force;

    LoopOptions.Builder builder() {
        LoopOptions.Builder b = LoopOptions.builder().steps(steps).batch(batch).gradAccumulation(gradAccumulation)
                .seqLen(seqLen).minLrRatio(minLrRatio).weightDecay(weightDecay).gradClip(gradClip)
                .evalEvery(evalEvery).evalSequences(evalSequences).heldOutFraction(heldOut)
                .checkpointEvery(checkpointEvery).device(Torch.DeviceKind.parse(device)).threads(threads)
                .seed(seed).resume(resume).force(force);
        if (lrWarmupSteps != null) {
            b.lrWarmupSteps(lrWarmupSteps);
        }
        return b;
    }
}

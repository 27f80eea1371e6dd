package dev.ternary.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.ternary.train.checkpoint.CheckpointStore;
import dev.ternary.train.checkpoint.TrainingState;
import dev.ternary.train.data.BatchSampler;
import dev.ternary.train.data.DataPosition;
import dev.ternary.train.data.PackedSequences;
import dev.ternary.train.data.TokenBatches;
import dev.ternary.train.eval.HeldOutEvaluator;
import dev.ternary.train.loss.LossParts;
import dev.ternary.train.loss.Objective;
import dev.ternary.train.metrics.EvalMetrics;
import dev.ternary.train.metrics.LossCurvePlot;
import dev.ternary.train.metrics.MetricsLog;
import dev.ternary.train.metrics.StepMetrics;
import dev.ternary.train.model.Torch;
import dev.ternary.train.model.Transformer;
import dev.ternary.train.optim.AdamW;
import dev.ternary.train.optim.CosineSchedule;
import dev.ternary.train.quant.QuantContext;
import dev.ternary.train.quant.QuantWarmup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The optimisation loop shared by distillation and training from scratch: for each step, {@code gradAccumulation}
 * micro-batches forward and backward (gradients summed, each loss divided by the count), then one clipped AdamW
 * update on a cosine schedule, λ rising per {@link QuantWarmup}. Around it: held-out evaluations, metrics, the
 * loss plot and atomic checkpoints, and an early, checkpointed return when the listener asks to stop.
 *
 * <p>Every step runs inside an {@link NDScope}, which closes every array the step created — activations,
 * gradients' handles, optimizer temporaries — so native memory stays flat however long the run.
 */
public final class TrainingLoop {
    private final Transformer student;
    private final Objective objective;
    private final PackedSequences train;
    private final PackedSequences heldOut;
    private final LoopOptions options;
    private final Path runDirectory;
    private final TrainingListener listener;
    private final boolean quantized;
    private final String title;

    public TrainingLoop(Transformer student, Objective objective, PackedSequences train, PackedSequences heldOut,
            LoopOptions options, Path runDirectory, TrainingListener listener, String title) {
        this.student = student;
        this.objective = objective;
        this.train = train;
        this.heldOut = heldOut;
        this.options = options;
        this.runDirectory = runDirectory;
        this.listener = listener;
        this.quantized = student.linears() == Transformer.Linears.TERNARY;
        this.title = title;
    }

    /** Outcome of the loop, before any export. */
    public record Result(long steps, boolean interrupted, Optional<EvalMetrics> lastEval, Optional<Path> checkpoint,
            long tokensSeen, double sessionTokensPerSecond) {}

    /**
     * Runs from {@code resumed}'s state (its weights must already be in the student) or from the start.
     */
    public Result run(Optional<CheckpointStore.Loaded> resumed) throws IOException {
        Torch.gradMode(false);
        var params = student.parameters();
        params.requireGradients();
        AdamW optimizer = new AdamW(params.arrays(), AdamW.Settings.defaults(options.weightDecay(), options.gradClip()));
        TrainingState state = new TrainingState(0, DataPosition.START, options.seed(), 0, 0);
        if (resumed.isPresent()) {
            state = resumed.get().state();
            optimizer.restore(resumed.get().optimizer(), state.step());
        }
        java.nio.file.Files.createDirectories(runDirectory);
        CheckpointStore checkpoints = new CheckpointStore(runDirectory, options.keepCheckpoints());
        checkpoints.removeIncomplete();
        BatchSampler sampler = new BatchSampler(train, options.seed(), state.data());
        CosineSchedule schedule = new CosineSchedule(options.learningRate(), options.lrWarmupSteps(), options.steps(),
                options.minLrRatio());
        QuantWarmup warmup = new QuantWarmup(options.warmupQuantSteps());
        long step = state.step();
        long tokensSeen = state.tokensSeen();
        double elapsed = state.elapsedSeconds();
        long sessionTokens = 0;
        double sessionSeconds = 0;
        Optional<EvalMetrics> lastEval = Optional.empty();
        Optional<Path> lastCheckpoint = resumed.map(CheckpointStore.Loaded::directory);
        long savedStep = resumed.isPresent() ? step : -1;
        listener.started(step, options.steps(), options.tokensPerStep());
        try (MetricsLog metrics = MetricsLog.open(runDirectory, step)) {
            while (step < options.steps()) {
                if (listener.stopRequested()) {
                    if (savedStep != step) {
                        lastCheckpoint = Optional.of(save(checkpoints, optimizer, step, sampler, tokensSeen, elapsed));
                    }
                    return new Result(step, true, lastEval, lastCheckpoint, tokensSeen,
                            rate(sessionTokens, sessionSeconds));
                }
                long start = System.nanoTime();
                float lambda = quantized ? warmup.lambda(step) : 0f;
                double learningRate = schedule.rate(step);
                double[] sums = new double[3];
                double gradNorm;
                try (NDScope ignored = new NDScope()) {
                    for (int micro = 0; micro < options.gradAccumulation(); micro++) {
                        NDArray[] io = TokenBatches.inputsAndTargets(params.manager(), sampler.next(options.batch()),
                                options.batch(), options.seqLen());
                        try (GradientCollector collector = Torch.engine().newGradientCollector()) {
                            LossParts parts = objective.loss(student, io[0], io[1], new QuantContext(lambda, true));
                            collector.backward(parts.total().div(
                                    Torch.scalar(params.manager(), options.gradAccumulation())));
                            sums[0] += parts.total().getFloat();
                            sums[1] += parts.crossEntropy().getFloat();
                            sums[2] += parts.distillation().getFloat();
                        }
                    }
                    Torch.gradMode(false);
                    gradNorm = optimizer.step(learningRate);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                step++;
                tokensSeen += options.tokensPerStep();
                elapsed += seconds;
                sessionTokens += options.tokensPerStep();
                sessionSeconds += seconds;
                int n = options.gradAccumulation();
                StepMetrics m = new StepMetrics(step, sums[0] / n, sums[1] / n, sums[2] / n, learningRate, lambda,
                        gradNorm, options.tokensPerStep() / seconds, elapsed);
                metrics.step(m);
                listener.stepDone(m);
                if (!Double.isFinite(m.loss())) {
                    throw new dev.ternary.convert.InvalidInputException("the loss became " + m.loss() + " at step "
                            + step + "; lower --lr (now " + options.learningRate() + ") or raise --warmup-quant-steps");
                }
                boolean last = step == options.steps();
                if (last || options.evalEvery() > 0 && step % options.evalEvery() == 0) {
                    EvalMetrics e = evaluate(step);
                    metrics.eval(e);
                    lastEval = Optional.of(e);
                    listener.evaluated(e);
                    LossCurvePlot.write(runDirectory, title, metrics.steps(), metrics.evals());
                }
                if (last || options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0) {
                    lastCheckpoint = Optional.of(save(checkpoints, optimizer, step, sampler, tokensSeen, elapsed));
                    savedStep = step;
                }
            }
        }
        return new Result(step, false, lastEval, lastCheckpoint, tokensSeen, rate(sessionTokens, sessionSeconds));
    }

    /** Held-out loss as the exported model computes it: fully quantized for a ternary student. */
    public EvalMetrics evaluate(long step) {
        HeldOutEvaluator.Result r = HeldOutEvaluator.evaluate(student, heldOut, options.evalSequences(),
                options.batch(), QuantContext.DEPLOYED);
        return new EvalMetrics(step, r.loss(), r.perplexity(), r.tokens());
    }

    private Path save(CheckpointStore store, AdamW optimizer, long step, BatchSampler sampler, long tokensSeen,
            double elapsed) throws IOException {
        Path dir = store.save(new TrainingState(step, sampler.position(), options.seed(), tokensSeen, elapsed),
                student.parameters().arrays(), optimizer.state());
        listener.checkpointed(step, dir);
        return dir;
    }

    private static double rate(long tokens, double seconds) {
        return seconds > 0 ? tokens / seconds : 0;
    }
}

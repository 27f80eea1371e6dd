package dev.ternary.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.model.ModelDirectory;
import dev.ternary.train.model.ModelSpec;
import dev.ternary.train.model.Torch;
import dev.ternary.train.model.Transformer;
import dev.ternary.train.quant.QuantContext;
import dev.ternary.train.weights.HfWeights;
import java.nio.file.Path;

/**
 * A model directory loaded into the DJL training model for inspection: logits exactly as training computes
 * them with λ = 1 (ternary weights, int8 activations). This is the training side of the train/infer agreement
 * check — the same directory run through the inference runtime must give the same logits.
 *
 * <p>A packed ternary directory (what {@code convert} and {@code distill} write) runs its {@code s·T} weights
 * as stored; a dense directory runs dense, or ternary (fake-quantized at λ = 1, what converting it would give)
 * when asked.
 */
public final class StudentModel implements AutoCloseable {
    private final NDManager manager;
    private final Transformer model;

    private StudentModel(NDManager manager, Transformer model) {
        this.manager = manager;
        this.model = model;
    }

    /** Loads a directory: ternary linears if it is a packed ternary model, dense otherwise. */
    public static StudentModel load(Path dir) {
        HfConfig config = ModelDirectory.open(dir).config();
        return load(dir, config.quantizationConfig().isPresent()
                ? Transformer.Linears.TERNARY : Transformer.Linears.DENSE);
    }

    /** Loads a directory with the given linears (TERNARY on a dense directory simulates converting it). */
    public static StudentModel load(Path dir, Transformer.Linears linears) {
        ModelDirectory model = ModelDirectory.open(dir);
        HfConfig config = model.config();
        ModelSpec spec = ModelSpec.fromConfig(config);
        NDManager manager = Torch.newManager(Torch.device(Torch.DeviceKind.CPU));
        try {
            return new StudentModel(manager, Transformer.build(spec,
                    HfWeights.load(model.root(), config, spec, manager.newSubManager()), linears));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Logits {@code [tokens.length][vocab]} for one sequence, causal, positions from 0. */
    public float[][] logits(int[] tokens) {
        Torch.gradMode(false);
        try (NDScope ignored = new NDScope()) {
            long[] ids = new long[tokens.length];
            for (int i = 0; i < tokens.length; i++) {
                ids[i] = tokens[i];
            }
            NDArray out = model.logits(manager.create(ids, new Shape(1, tokens.length)), QuantContext.DEPLOYED);
            float[] flat = out.toFloatArray();
            int vocab = model.spec().vocabSize();
            float[][] rows = new float[tokens.length][vocab];
            for (int t = 0; t < tokens.length; t++) {
                System.arraycopy(flat, t * vocab, rows[t], 0, vocab);
            }
            return rows;
        }
    }

    public ModelSpec spec() {
        return model.spec();
    }

    /** The underlying DJL model (for evaluation helpers). */
    public Transformer transformer() {
        return model;
    }

    @Override
    public void close() {
        manager.close();
    }
}

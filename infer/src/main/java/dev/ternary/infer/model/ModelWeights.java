package dev.ternary.infer.model;

import dev.ternary.infer.linear.Embedding;
import dev.ternary.infer.linear.Linear;
import java.util.List;

/** All weights of a loaded model; closing frees their off-heap memory. */
public record ModelWeights(Embedding embedding, List<LayerWeights> layers, float[] finalNorm, Linear lmHead)
        implements AutoCloseable {

    public ModelWeights {
        layers = List.copyOf(layers);
    }

    /** Bytes read per decoded token: every linear plus lm_head (the embedding reads one row). */
    public long weightBytesPerToken() {
        long n = lmHead.weightBytes();
        for (LayerWeights l : layers) {
            for (Linear x : l.linears()) {
                n += x.weightBytes();
            }
        }
        return n;
    }

    @Override
    public void close() {
        layers.forEach(LayerWeights::close);
        lmHead.close();
        embedding.close();
    }
}

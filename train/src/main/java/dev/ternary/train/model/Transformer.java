package dev.ternary.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;
import dev.ternary.train.quant.QuantContext;
import java.util.ArrayList;
import java.util.List;

/**
 * A Llama-family decoder (Llama, Mistral, Qwen2, BitNet b1.58) as plain DJL operations on the tensors of a
 * {@link ParameterStore}: embed → layers → final norm → lm_head. With {@link Linears#TERNARY} the seven
 * projections of every layer are {@link BitLinear}s; embeddings, norms and lm_head stay full precision, as in
 * BitNet b1.58 and in what {@code ternary convert} writes.
 */
public final class Transformer {
    /** Which projection every q/k/v/o/gate/up/down becomes. */
    public enum Linears { DENSE, TERNARY }

    private final ModelSpec spec;
    private final ParameterStore params;
    private final Linears linears;
    private final NDArray embedding;
    private final List<DecoderLayer> layers;
    private final RmsNorm finalNorm;
    private final NDArray lmHead;

    private Transformer(ModelSpec spec, ParameterStore params, Linears linears) {
        this.spec = spec;
        this.params = params;
        this.linears = linears;
        this.embedding = params.get(ParameterLayout.EMBEDDING);
        RotaryEmbedding rope = new RotaryEmbedding(params.manager(), spec.headDim(), spec.ropeTheta(),
                spec.ropeScaling());
        List<DecoderLayer> built = new ArrayList<>();
        for (int i = 0; i < spec.layers(); i++) {
            String p = ParameterLayout.layer(i);
            Attention attention = new Attention(
                    projection(p + "self_attn.q_proj"), projection(p + "self_attn.k_proj"),
                    projection(p + "self_attn.v_proj"), projection(p + "self_attn.o_proj"),
                    spec.subNorms() ? norm(p + "self_attn.attn_sub_norm.weight") : null,
                    rope, spec.heads(), spec.kvHeads(), spec.headDim(), params.manager());
            GatedMlp mlp = new GatedMlp(projection(p + "mlp.gate_proj"), projection(p + "mlp.up_proj"),
                    projection(p + "mlp.down_proj"),
                    spec.subNorms() ? norm(p + "mlp.ffn_sub_norm.weight") : null, spec.activation());
            built.add(new DecoderLayer(norm(p + "input_layernorm.weight"), attention,
                    norm(p + "post_attention_layernorm.weight"), mlp));
        }
        this.layers = List.copyOf(built);
        this.finalNorm = norm(ParameterLayout.FINAL_NORM);
        this.lmHead = spec.tiedEmbeddings() ? embedding : params.get(ParameterLayout.LM_HEAD);
    }

    /** Builds the model over already loaded or initialised parameters (see {@code HfWeights}, {@code WeightInit}). */
    public static Transformer build(ModelSpec spec, ParameterStore params, Linears linears) {
        if (linears == Linears.DENSE && params.hasTernaryWeights()) {
            throw new IllegalArgumentException("a model with packed ternary weights must use ternary linears");
        }
        return new Transformer(spec, params, linears);
    }

    private Projection projection(String prefix) {
        NDArray w = params.get(prefix + ".weight");
        NDArray b = params.contains(prefix + ".bias") ? params.get(prefix + ".bias") : null;
        return linears == Linears.TERNARY
                ? new BitLinear(w, b, params.isTernary(prefix + ".weight"))
                : new DenseLinear(w, b);
    }

    private RmsNorm norm(String name) {
        return new RmsNorm(params.get(name), spec.rmsNormEps());
    }

    /** Logits {@code [batch, T, vocab]} for token ids {@code [batch, T]} (INT64). */
    public NDArray logits(NDArray tokens, QuantContext quant) {
        NDArray x = embedding.getNDArrayInternal().embedding(tokens, embedding, SparseFormat.DENSE).singletonOrThrow();
        for (DecoderLayer layer : layers) {
            NDArray input = x;
            x = Scopes.keep(() -> layer.forward(input, quant));
        }
        NDArray hidden = x;
        return Scopes.keep(() -> finalNorm.forward(hidden).matMul(lmHead.transpose()));
    }

    public ModelSpec spec() {
        return spec;
    }

    public ParameterStore parameters() {
        return params;
    }

    public Linears linears() {
        return linears;
    }
}

package dev.ternary.train.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** The tensors a {@link ModelSpec} has, by Hugging Face name and shape, in the order transformers writes them. */
public final class ParameterLayout {
    public static final String EMBEDDING = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private ParameterLayout() {}

    public static String layer(int i) {
        return "model.layers." + i + ".";
    }

    /** Name → shape for every tensor of the model. */
    public static Map<String, long[]> shapes(ModelSpec s) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long h = s.hiddenSize();
        long q = s.queryDim();
        long kv = s.kvDim();
        long f = s.intermediateSize();
        m.put(EMBEDDING, new long[] {s.vocabSize(), h});
        for (int i = 0; i < s.layers(); i++) {
            String p = layer(i);
            m.put(p + "input_layernorm.weight", new long[] {h});
            m.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            m.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            m.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            if (s.qkvBias()) {
                m.put(p + "self_attn.q_proj.bias", new long[] {q});
                m.put(p + "self_attn.k_proj.bias", new long[] {kv});
                m.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            if (s.subNorms()) {
                m.put(p + "self_attn.attn_sub_norm.weight", new long[] {q});
            }
            m.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            m.put(p + "post_attention_layernorm.weight", new long[] {h});
            m.put(p + "mlp.gate_proj.weight", new long[] {f, h});
            m.put(p + "mlp.up_proj.weight", new long[] {f, h});
            if (s.subNorms()) {
                m.put(p + "mlp.ffn_sub_norm.weight", new long[] {f});
            }
            m.put(p + "mlp.down_proj.weight", new long[] {h, f});
        }
        m.put(FINAL_NORM, new long[] {h});
        if (!s.tiedEmbeddings()) {
            m.put(LM_HEAD, new long[] {s.vocabSize(), h});
        }
        return m;
    }

    /** Whether a tensor is an RMSNorm weight (initialised to 1, never weight-decayed). */
    public static boolean isNorm(String name) {
        return name.endsWith("norm.weight");
    }
}

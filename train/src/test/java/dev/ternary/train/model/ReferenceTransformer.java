package dev.ternary.train.model;

import dev.ternary.convert.model.MlpActivation;
import dev.ternary.convert.quant.AbsmeanTernarizer;
import java.util.Map;

/**
 * A scalar Java forward pass written straight from the formulas (transformers' modeling_llama / modeling_bitnet,
 * BitNet b1.58 quantizers), independent of DJL: the yardstick the DJL model is checked against.
 */
final class ReferenceTransformer {
    private final ModelSpec s;
    private final Map<String, float[]> w;
    private final boolean ternary;

    ReferenceTransformer(ModelSpec spec, Map<String, float[]> weights, boolean ternary) {
        this.s = spec;
        this.w = weights;
        this.ternary = ternary;
    }

    float[][] logits(int[] tokens) {
        int t = tokens.length;
        int h = s.hiddenSize();
        float[][] x = new float[t][];
        for (int i = 0; i < t; i++) {
            x[i] = slice(w.get(ParameterLayout.EMBEDDING), tokens[i] * h, h);
        }
        for (int l = 0; l < s.layers(); l++) {
            String p = ParameterLayout.layer(l);
            float[][] normed = new float[t][];
            for (int i = 0; i < t; i++) {
                normed[i] = rmsNorm(x[i], w.get(p + "input_layernorm.weight"));
            }
            float[][] attn = attention(normed, p);
            for (int i = 0; i < t; i++) {
                add(x[i], attn[i]);
                float[] n2 = rmsNorm(x[i], w.get(p + "post_attention_layernorm.weight"));
                add(x[i], mlp(n2, p));
            }
        }
        float[] head = s.tiedEmbeddings() ? w.get(ParameterLayout.EMBEDDING) : w.get(ParameterLayout.LM_HEAD);
        float[][] out = new float[t][];
        for (int i = 0; i < t; i++) {
            out[i] = matVec(head, s.vocabSize(), h, rmsNorm(x[i], w.get(ParameterLayout.FINAL_NORM)), false);
        }
        return out;
    }

    private float[][] attention(float[][] x, String p) {
        int t = x.length;
        int d = s.headDim();
        float[][] q = new float[t][], k = new float[t][], v = new float[t][];
        for (int i = 0; i < t; i++) {
            q[i] = linear(p + "self_attn.q_proj", s.queryDim(), s.hiddenSize(), x[i]);
            k[i] = linear(p + "self_attn.k_proj", s.kvDim(), s.hiddenSize(), x[i]);
            v[i] = linear(p + "self_attn.v_proj", s.kvDim(), s.hiddenSize(), x[i]);
            rope(q[i], s.heads(), i);
            rope(k[i], s.kvHeads(), i);
        }
        int group = s.heads() / s.kvHeads();
        float[][] out = new float[t][];
        for (int i = 0; i < t; i++) {
            float[] o = new float[s.queryDim()];
            for (int hd = 0; hd < s.heads(); hd++) {
                int kvh = hd / group;
                double[] scores = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += q[i][hd * d + c] * k[j][kvh * d + c];
                    }
                    scores[j] = dot / Math.sqrt(d);
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int c = 0; c < d; c++) {
                        o[hd * d + c] += (float) (scores[j] / sum * v[j][kvh * d + c]);
                    }
                }
            }
            if (s.subNorms()) {
                o = rmsNorm(o, w.get(p + "self_attn.attn_sub_norm.weight"));
            }
            out[i] = linear(p + "self_attn.o_proj", s.hiddenSize(), s.queryDim(), o);
        }
        return out;
    }

    private float[] mlp(float[] x, String p) {
        int f = s.intermediateSize();
        float[] g = linear(p + "mlp.gate_proj", f, s.hiddenSize(), x);
        float[] u = linear(p + "mlp.up_proj", f, s.hiddenSize(), x);
        float[] m = new float[f];
        for (int i = 0; i < f; i++) {
            float a = s.activation() == MlpActivation.SILU
                    ? (float) (g[i] / (1 + Math.exp(-g[i])))
                    : Math.max(g[i], 0) * Math.max(g[i], 0);
            m[i] = a * u[i];
        }
        if (s.subNorms()) {
            m = rmsNorm(m, w.get(p + "mlp.ffn_sub_norm.weight"));
        }
        return linear(p + "mlp.down_proj", s.hiddenSize(), f, m);
    }

    /** HF rotate-half RoPE on each head of {@code v}, position {@code pos}. */
    private void rope(float[] v, int heads, int pos) {
        int d = s.headDim();
        for (int hd = 0; hd < heads; hd++) {
            for (int i = 0; i < d / 2; i++) {
                double freq = 1.0 / Math.pow(s.ropeTheta(), 2.0 * i / d);
                double c = Math.cos(pos * freq), sn = Math.sin(pos * freq);
                float a = v[hd * d + i], b = v[hd * d + i + d / 2];
                v[hd * d + i] = (float) (a * c - b * sn);
                v[hd * d + i + d / 2] = (float) (b * c + a * sn);
            }
        }
    }

    private float[] linear(String prefix, int out, int in, float[] x) {
        float[] weight = w.get(prefix + ".weight");
        float[] y = matVec(weight, out, in, ternary ? int8(x) : x, ternary);
        float[] bias = w.get(prefix + ".bias");
        if (bias != null) {
            add(y, bias);
        }
        return y;
    }

    static float[] int8(float[] x) {
        float max = 0;
        for (float v : x) {
            max = Math.max(max, Math.abs(v));
        }
        float scale = 127f / Math.max(max, 1e-5f);
        float[] q = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            q[i] = Math.max(-128, Math.min(127, (float) Math.rint(x[i] * scale))) / scale;
        }
        return q;
    }

    private static float[] matVec(float[] m, int rows, int cols, float[] x, boolean ternary) {
        float scale = 1;
        byte[] trits = null;
        if (ternary) {
            scale = AbsmeanTernarizer.scale(AbsmeanTernarizer.absSum(m, m.length), m.length);
            trits = new byte[m.length];
            AbsmeanTernarizer.ternarize(m, m.length, 1f / scale, trits);
        }
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            double acc = 0;
            for (int c = 0; c < cols; c++) {
                acc += (ternary ? trits[r * cols + c] * scale : m[r * cols + c]) * (double) x[c];
            }
            y[r] = (float) acc;
        }
        return y;
    }

    private float[] rmsNorm(float[] x, float[] weight) {
        double ss = 0;
        for (float v : x) {
            ss += v * v;
        }
        float inv = (float) (1 / Math.sqrt(ss / x.length + s.rmsNormEps()));
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * inv * weight[i];
        }
        return y;
    }

    private static float[] slice(float[] a, int from, int n) {
        float[] r = new float[n];
        System.arraycopy(a, from, r, 0, n);
        return r;
    }

    private static void add(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }
}

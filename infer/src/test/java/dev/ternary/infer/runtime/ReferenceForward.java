package dev.ternary.infer.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ternary.convert.safetensors.Checkpoint;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.TensorInfo;
import dev.ternary.kernels.format.HfBitNetLayout;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * An independent fp64 implementation of the Llama/Qwen2/BitNet forward pass, written from the Hugging Face
 * modeling code's math with no KV cache (full causal attention recomputed), for checking the runtime. Ternary
 * projections (U8 + weight_scale) use the BitNet int8 activation arithmetic; dense ones plain fp64 products.
 */
final class ReferenceForward {
    private final JsonNode config;
    private final Checkpoint checkpoint;

    ReferenceForward(Path dir) throws IOException {
        this.config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        this.checkpoint = Checkpoint.openDirectory(dir);
    }

    private double[] tensor(String name) {
        TensorInfo t = checkpoint.tensor(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = checkpoint.map(name, arena);
            int n = (int) t.elementCount();
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = switch (t.dtype()) {
                    case F32 -> s.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i);
                    case BF16 -> Float.intBitsToFloat(
                            (s.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i)
                                    & 0xFFFF) << 16);
                    default -> throw new IllegalStateException(t.dtype().name());
                };
            }
            return out;
        }
    }

    /** y = W x for a projection stored dense or as HF-packed ternary. */
    private double[] linear(String name, double[] x) {
        TensorInfo t = checkpoint.tensor(name);
        int cols = (int) t.dim(1);
        if (t.dtype() == DType.U8) {
            int rows = (int) t.dim(0) * 4;
            byte[] packed;
            try (Arena arena = Arena.ofConfined()) {
                packed = checkpoint.map(name, arena).toArray(ValueLayout.JAVA_BYTE);
            }
            byte[] trits = HfBitNetLayout.unpack(packed, rows, cols);
            double scale = tensor(name + "_scale")[0];
            // BitNet activation quantization: q = clamp(rint(x * 127/max|x|), -128, 127), in fp32 like torch
            float max = 0;
            for (double v : x) {
                max = Math.max(max, (float) Math.abs(v));
            }
            max = Math.max(max, 1e-5f);
            float s = 127f / max;
            int[] q = new int[cols];
            for (int c = 0; c < cols; c++) {
                q[c] = (int) Math.max(-128, Math.min(127, Math.rint((float) x[c] * s)));
            }
            double[] y = new double[rows];
            for (int r = 0; r < rows; r++) {
                long acc = 0;
                for (int c = 0; c < cols; c++) {
                    acc += trits[r * cols + c] * q[c];
                }
                y[r] = acc * scale * (max / 127.0);
            }
            return y;
        }
        double[] w = tensor(name);
        int rows = (int) t.dim(0);
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            double acc = 0;
            for (int c = 0; c < cols; c++) {
                acc += w[r * cols + c] * x[c];
            }
            y[r] = acc;
        }
        return y;
    }

    private double[] rmsnorm(double[] x, String weight) {
        double[] w = tensor(weight);
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double inv = 1 / Math.sqrt(ss / x.length + config.path("rms_norm_eps").asDouble());
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * inv * w[i];
        }
        return y;
    }

    private double[] inverseFrequencies(int headDim) {
        double theta = config.path("rope_theta").asDouble();
        double[] inv = new double[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = Math.pow(theta, -2.0 * i / headDim);
        }
        JsonNode s = config.get("rope_scaling");
        if (s != null && "llama3".equals(s.path("rope_type").asText())) {
            double factor = s.path("factor").asDouble();
            double low = s.path("low_freq_factor").asDouble();
            double high = s.path("high_freq_factor").asDouble();
            double old = s.path("original_max_position_embeddings").asDouble();
            for (int i = 0; i < inv.length; i++) {
                double wavelen = 2 * Math.PI / inv[i];
                if (wavelen < old / high) {
                    continue;
                }
                if (wavelen > old / low) {
                    inv[i] /= factor;
                } else {
                    double smooth = (old / wavelen - low) / (high - low);
                    inv[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i];
                }
            }
        }
        return inv;
    }

    private void rope(double[] v, int heads, int headDim, int pos, double[] inv) {
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                double angle = pos * inv[i];
                double a = v[h * headDim + i];
                double b = v[h * headDim + i + half];
                v[h * headDim + i] = a * Math.cos(angle) - b * Math.sin(angle);
                v[h * headDim + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
            }
        }
    }

    /**
     * Causal grouped-query attention of token {@code t} in fp64: {@code softmax(q·K / sqrt(d)) V} over positions
     * {@code 0..t}, all heads; {@code q[u]}, {@code k[u]}, {@code v[u]} are position {@code u}'s vectors.
     */
    static double[] attention(double[][] q, double[][] k, double[][] v, int t, int heads, int kvHeads,
                              int headDim) {
        double[] attn = new double[heads * headDim];
        for (int h = 0; h < heads; h++) {
            int kvh = h / (heads / kvHeads);
            double[] s = new double[t + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int u = 0; u <= t; u++) {
                double d = 0;
                for (int i = 0; i < headDim; i++) {
                    d += q[t][h * headDim + i] * k[u][kvh * headDim + i];
                }
                s[u] = d / Math.sqrt(headDim);
                max = Math.max(max, s[u]);
            }
            double sum = 0;
            for (int u = 0; u <= t; u++) {
                s[u] = Math.exp(s[u] - max);
                sum += s[u];
            }
            for (int u = 0; u <= t; u++) {
                for (int i = 0; i < headDim; i++) {
                    attn[h * headDim + i] += s[u] / sum * v[u][kvh * headDim + i];
                }
            }
        }
        return attn;
    }

    /** Logits for every position of {@code tokens}. */
    double[][] logits(int[] tokens) {
        int dim = config.path("hidden_size").asInt();
        int layers = config.path("num_hidden_layers").asInt();
        int heads = config.path("num_attention_heads").asInt();
        int kvHeads = config.path("num_key_value_heads").asInt();
        int headDim = dim / heads;
        boolean bitnet = config.path("architectures").get(0).asText().equals("BitNetForCausalLM");
        boolean relu2 = "relu2".equals(config.path("hidden_act").asText());
        double[] inv = inverseFrequencies(headDim);
        double[] embed = tensor("model.embed_tokens.weight");
        int n = tokens.length;
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = java.util.Arrays.copyOfRange(embed, tokens[t] * dim, (tokens[t] + 1) * dim);
        }
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] h = rmsnorm(x[t], p + "input_layernorm.weight");
                q[t] = linear(p + "self_attn.q_proj.weight", h);
                k[t] = linear(p + "self_attn.k_proj.weight", h);
                v[t] = linear(p + "self_attn.v_proj.weight", h);
                if (checkpoint.contains(p + "self_attn.q_proj.bias")) {
                    add(q[t], tensor(p + "self_attn.q_proj.bias"));
                    add(k[t], tensor(p + "self_attn.k_proj.bias"));
                    add(v[t], tensor(p + "self_attn.v_proj.bias"));
                }
                rope(q[t], heads, headDim, t, inv);
                rope(k[t], kvHeads, headDim, t, inv);
            }
            for (int t = 0; t < n; t++) {
                double[] attn = attention(q, k, v, t, heads, kvHeads, headDim);
                if (bitnet) {
                    attn = rmsnorm(attn, p + "self_attn.attn_sub_norm.weight");
                }
                add(x[t], linear(p + "self_attn.o_proj.weight", attn));
                double[] h = rmsnorm(x[t], p + "post_attention_layernorm.weight");
                double[] g = linear(p + "mlp.gate_proj.weight", h);
                double[] u = linear(p + "mlp.up_proj.weight", h);
                for (int i = 0; i < g.length; i++) {
                    double a = relu2 ? Math.pow(Math.max(g[i], 0), 2) : g[i] / (1 + Math.exp(-g[i]));
                    g[i] = a * u[i];
                }
                if (bitnet) {
                    g = rmsnorm(g, p + "mlp.ffn_sub_norm.weight");
                }
                add(x[t], linear(p + "mlp.down_proj.weight", g));
            }
        }
        String head = checkpoint.contains("lm_head.weight") ? "lm_head.weight" : "model.embed_tokens.weight";
        double[][] logits = new double[n][];
        for (int t = 0; t < n; t++) {
            logits[t] = linear(head, rmsnorm(x[t], "model.norm.weight"));
        }
        return logits;
    }

    private static void add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }
}

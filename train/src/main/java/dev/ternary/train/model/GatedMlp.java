package dev.ternary.train.model;

import dev.ternary.convert.model.MlpActivation;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.ternary.train.quant.QuantContext;

/**
 * The gated feed-forward block: {@code down(act(gate(x)) · up(x))} with SiLU (SwiGLU, Shazeer 2020; Llama) or
 * ReLU² (BitNet b1.58 2B4T), and for BitNet an RMSNorm ({@code ffn_sub_norm}) on the product before down_proj.
 */
public final class GatedMlp {
    private final Projection gate;
    private final Projection up;
    private final Projection down;
    private final RmsNorm subNorm;
    private final MlpActivation activation;

    public GatedMlp(Projection gate, Projection up, Projection down, RmsNorm subNorm,
            MlpActivation activation) {
        this.gate = gate;
        this.up = up;
        this.down = down;
        this.subNorm = subNorm;
        this.activation = activation;
    }

    public NDArray forward(NDArray x, QuantContext quant) {
        NDArray g = gate.forward(x, quant);
        NDArray activated = switch (activation) {
            case SILU -> g.mul(Activation.sigmoid(g));
            case RELU2 -> Activation.relu(g).square();
        };
        NDArray h = activated.mul(up.forward(x, quant));
        if (subNorm != null) {
            h = subNorm.forward(h);
        }
        return down.forward(h, quant);
    }
}

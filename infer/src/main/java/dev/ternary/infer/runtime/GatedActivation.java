package dev.ternary.infer.runtime;

import dev.ternary.convert.model.MlpActivation;
import dev.ternary.infer.model.ModelConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gated MLP's elementwise step, {@code gate[i] = act(gate[i]) * up[i]}: SiLU ({@code g / (1 + e^-g)}, Llama's
 * SwiGLU) or ReLU² ({@code max(g, 0)²}, BitNet b1.58 2B4T). Vectorized; the Vector API's exp is accurate to
 * about 1 ulp, so results may differ from {@link Math#exp} in the last bit.
 */
final class GatedActivation {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private GatedActivation() {}

    static void apply(MlpActivation activation, float[] gate, float[] up, int n) {
        int i = 0;
        int bound = F.loopBound(n);
        if (activation == MlpActivation.SILU) {
            for (; i < bound; i += F.length()) {
                FloatVector g = FloatVector.fromArray(F, gate, i);
                FloatVector sig = g.neg().lanewise(VectorOperators.EXP).add(1f);
                g.div(sig).mul(FloatVector.fromArray(F, up, i)).intoArray(gate, i);
            }
            for (; i < n; i++) {
                float g = gate[i];
                gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
            }
        } else {
            for (; i < bound; i += F.length()) {
                FloatVector r = FloatVector.fromArray(F, gate, i).max(0f);
                r.mul(r).mul(FloatVector.fromArray(F, up, i)).intoArray(gate, i);
            }
            for (; i < n; i++) {
                float r = Math.max(gate[i], 0f);
                gate[i] = r * r * up[i];
            }
        }
    }
}

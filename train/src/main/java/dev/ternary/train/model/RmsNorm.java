package dev.ternary.train.model;

import ai.djl.ndarray.NDArray;

/** RMSNorm (Zhang &amp; Sennrich 2019) as Llama uses it: {@code x / sqrt(mean(x²) + eps) · w} over the last axis. */
public final class RmsNorm {
    private final NDArray weight;
    private final float eps;

    public RmsNorm(NDArray weight, double eps) {
        this.weight = weight;
        this.eps = (float) eps;
    }

    public NDArray forward(NDArray x) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt();
        return x.div(rms).mul(weight);
    }
}

package dev.ternary.train.optim;

/**
 * Learning rate: linear warm-up to {@code peak} over {@code warmupSteps}, then cosine decay to
 * {@code peak·minRatio} at {@code totalSteps} (Loshchilov &amp; Hutter 2017, SGDR, without restarts; the usual
 * LLM schedule).
 */
public record CosineSchedule(double peak, long warmupSteps, long totalSteps, double minRatio) {
    public CosineSchedule {
        if (!(peak > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + peak);
        }
        if (warmupSteps < 0 || totalSteps < 1 || minRatio < 0 || minRatio > 1) {
            throw new IllegalArgumentException("bad schedule " + warmupSteps + "/" + totalSteps + "/" + minRatio);
        }
    }

    /** The rate for 0-based optimizer step {@code step}. */
    public double rate(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double span = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (step - warmupSteps) / span);
        double min = peak * minRatio;
        return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}

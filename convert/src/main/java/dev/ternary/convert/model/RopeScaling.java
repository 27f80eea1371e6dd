package dev.ternary.convert.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ternary.convert.InvalidInputException;
import java.util.Optional;

/**
 * Llama 3.1's rope scaling ({@code rope_type: "llama3"}, used by Llama 3.1/3.2): long wavelengths are divided by
 * {@code factor}, short ones kept, and the band between interpolated.
 */
public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {

    /** The config's {@code rope_scaling}: empty when absent or {@code default}; other types are refused. */
    public static Optional<RopeScaling> of(HfConfig config) {
        Optional<JsonNode> node = config.ropeScaling();
        if (node.isEmpty()) {
            return Optional.empty();
        }
        JsonNode s = node.get();
        String type = s.path("rope_type").asText(s.path("type").asText(""));
        if (type.equals("default") || type.isEmpty()) {
            return Optional.empty();
        }
        if (!type.equals("llama3")) {
            throw InvalidInputException.inFile(config.source(), "rope_scaling type '" + type
                    + "' is not supported (llama3 is)");
        }
        return Optional.of(new RopeScaling(s.path("factor").asDouble(8.0), s.path("low_freq_factor").asDouble(1.0),
                s.path("high_freq_factor").asDouble(4.0), s.path("original_max_position_embeddings").asInt(8192)));
    }

    /**
     * {@code θ^(−2i/d)} for {@code i < d/2}, with {@code scaling} applied if present (transformers'
     * {@code _compute_llama3_parameters}); the inference runtime and the training model share it.
     */
    public static double[] inverseFrequencies(int headDim, double theta, Optional<RopeScaling> scaling) {
        double[] f = new double[headDim / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
        }
        scaling.ifPresent(s -> {
            double lowWavelength = s.originalMaxPositions() / s.lowFreqFactor();
            double highWavelength = s.originalMaxPositions() / s.highFreqFactor();
            for (int i = 0; i < f.length; i++) {
                double wavelength = 2 * Math.PI / f[i];
                if (wavelength > lowWavelength) {
                    f[i] /= s.factor();
                } else if (wavelength >= highWavelength) {
                    double smooth = (s.originalMaxPositions() / wavelength - s.lowFreqFactor())
                            / (s.highFreqFactor() - s.lowFreqFactor());
                    f[i] = (1 - smooth) * f[i] / s.factor() + smooth * f[i];
                }
            }
        });
        return f;
    }
}

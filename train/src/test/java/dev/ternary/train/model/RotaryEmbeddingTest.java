package dev.ternary.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RotaryEmbeddingTest {
    @Test
    void llama3ScalingKeepsShortWavelengthsAndStretchesLongOnes() {
        // Llama 3.1/3.2: head dim 64, θ = 500000, factor 32, low 1, high 4, original context 8192.
        ModelSpec.RopeScaling s = new ModelSpec.RopeScaling(32, 1, 4, 8192);
        double[] plain = RotaryEmbedding.inverseFrequencies(64, 500000, Optional.empty());
        double[] scaled = RotaryEmbedding.inverseFrequencies(64, 500000, Optional.of(s));
        assertEquals(1.0, plain[0], 0);
        assertEquals(Math.pow(500000, -2.0 * 5 / 64), plain[5], 1e-15);
        int kept = 0;
        int divided = 0;
        int blended = 0;
        for (int i = 0; i < plain.length; i++) {
            double wavelength = 2 * Math.PI / plain[i];
            if (wavelength < 8192 / 4.0) {
                assertEquals(plain[i], scaled[i], 0, "short wavelength " + i + " is kept");
                kept++;
            } else if (wavelength > 8192) {
                assertEquals(plain[i] / 32, scaled[i], 1e-18, "long wavelength " + i + " is divided by the factor");
                divided++;
            } else {
                assertTrue(scaled[i] < plain[i] && scaled[i] > plain[i] / 32, "band " + i + " is interpolated");
                blended++;
            }
        }
        assertTrue(kept > 0 && divided > 0 && blended > 0, kept + "/" + blended + "/" + divided);
    }
}

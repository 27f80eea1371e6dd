package dev.ternary.convert.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.InvalidInputException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RopeScalingTest {
    @Test
    void llama3ScalingKeepsShortWavelengthsAndStretchesLongOnes() {
        // Llama 3.1/3.2: head dim 64, θ = 500000, factor 32, low 1, high 4, original context 8192.
        RopeScaling s = new RopeScaling(32, 1, 4, 8192);
        double[] plain = RopeScaling.inverseFrequencies(64, 500000, Optional.empty());
        double[] scaled = RopeScaling.inverseFrequencies(64, 500000, Optional.of(s));
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

    static HfConfig config(String json) throws Exception {
        return HfConfig.of((ObjectNode) new ObjectMapper().readTree(json));
    }

    @Test
    void readsLlama3ScalingAndIgnoresDefaultOrAbsentOnes() throws Exception {
        assertEquals(Optional.empty(), RopeScaling.of(config("{\"architectures\": [\"LlamaForCausalLM\"]}")));
        assertEquals(Optional.empty(), RopeScaling.of(config("{\"rope_scaling\": {\"rope_type\": \"default\"}}")));
        assertEquals(Optional.of(new RopeScaling(32, 1, 4, 8192)), RopeScaling.of(config("{\"rope_scaling\": "
                + "{\"rope_type\": \"llama3\", \"factor\": 32.0, \"low_freq_factor\": 1.0, "
                + "\"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}}")));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> RopeScaling.of(config("{\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0}}")));
        assertTrue(e.getMessage().contains("rope_scaling type 'yarn' is not supported (llama3 is)"), e.getMessage());
    }
}

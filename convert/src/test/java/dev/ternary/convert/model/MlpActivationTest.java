package dev.ternary.convert.model;

import static dev.ternary.convert.model.RopeScalingTest.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.InvalidInputException;
import org.junit.jupiter.api.Test;

class MlpActivationTest {
    @Test
    void defaultsByArchitectureAndRefusesOthers() throws Exception {
        assertEquals(MlpActivation.SILU, MlpActivation.of(config("{\"architectures\": [\"LlamaForCausalLM\"]}")));
        assertEquals(MlpActivation.RELU2, MlpActivation.of(config("{\"architectures\": [\"BitNetForCausalLM\"]}")));
        assertEquals(MlpActivation.SILU, MlpActivation.of(config("{\"architectures\": [\"BitNetForCausalLM\"], "
                + "\"hidden_act\": \"SiLU\"}")));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> MlpActivation.of(
                config("{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_act\": \"gelu\"}")));
        assertTrue(e.getMessage().contains("hidden_act 'gelu' is not supported (silu or relu2)"), e.getMessage());
    }
}

package dev.ternary.infer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTemplateTest {
    /** The shape of Llama 3's template (tokenizer_config.json of Meta-Llama-3-8B-Instruct). */
    static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
            + " + message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
            + "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

    @TempDir
    Path tmp;

    @Test
    void rendersALlama3StyleTemplateFromTokenizerConfig() throws Exception {
        String config = "{\"bos_token\": \"<|begin_of_text|>\", \"eos_token\": \"<|eot_id|>\", \"chat_template\": "
                + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(LLAMA3) + "}";
        Files.writeString(tmp.resolve("tokenizer_config.json"), config);
        ChatTemplate t = ChatTemplate.load(tmp);
        assertTrue(t.hasTemplate());
        String out = t.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("  Hi there ")), true);
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", out);
    }

    @Test
    void withoutATemplateTheConversationIsOneRunningText() {
        String out = ChatTemplate.plain().render(List.of(ChatMessage.system("Be brief."), ChatMessage.user(" It is a"),
                ChatMessage.assistant(" truth universally acknowledged,"), ChatMessage.user("that a man ")), true);
        assertEquals("It is a truth universally acknowledged, that a man", out);
    }

    @Test
    void raiseExceptionInATemplateIsAUserError() {
        ChatTemplate t = ChatTemplate.of("{% if messages[0]['role'] != 'user' %}{{ raise_exception('first must be"
                + " user') }}{% endif %}ok", "", "");
        assertEquals("ok", t.render(List.of(ChatMessage.user("x")), false));
        assertThrows(InvalidInputException.class, () -> t.render(List.of(ChatMessage.assistant("x")), false));
    }
}

package dev.ternary.infer.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.ternary.convert.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a conversation into the prompt text a chat model was trained on, by rendering the Jinja
 * {@code chat_template} from tokenizer_config.json (or chat_template.jinja) with Jinjava, the way transformers'
 * {@code apply_chat_template} does with {@code messages}, {@code bos_token}, {@code eos_token} and
 * {@code add_generation_prompt}. Models without a template (base models) continue the conversation as plain text.
 */
public final class ChatTemplate {
    private final Optional<String> template;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinja;

    private ChatTemplate(Optional<String> template, String bosToken, String eosToken) {
        this.template = template;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.jinja = new Jinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(false).build());
        // HF templates call raise_exception('...') to reject malformed conversations.
        jinja.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
    }

    /** Thrown into the template as {@code raise_exception}. */
    public static String raiseException(String message) {
        throw new InvalidInputException("chat template: " + message);
    }

    /** A template from a Jinja source text (tests, custom templates). */
    public static ChatTemplate of(String template, String bosToken, String eosToken) {
        return new ChatTemplate(Optional.of(template), bosToken, eosToken);
    }

    /** The plain fallback layout. */
    public static ChatTemplate plain() {
        return new ChatTemplate(Optional.empty(), "", "");
    }

    /** Reads the template and special tokens from a model directory; falls back to plain if none. */
    public static ChatTemplate load(Path modelDir) {
        Path config = modelDir.resolve("tokenizer_config.json");
        Path jinjaFile = modelDir.resolve("chat_template.jinja");
        String bos = "";
        String eos = "";
        Optional<String> template = Optional.empty();
        try {
            if (Files.isRegularFile(config)) {
                JsonNode root = new ObjectMapper().readTree(config.toFile());
                bos = tokenText(root.get("bos_token"));
                eos = tokenText(root.get("eos_token"));
                JsonNode t = root.get("chat_template");
                if (t != null && t.isTextual()) {
                    template = Optional.of(t.asText());
                } else if (t != null && t.isArray()) {
                    // a list of named templates: use "default"
                    for (JsonNode named : t) {
                        if ("default".equals(named.path("name").asText())) {
                            template = Optional.of(named.path("template").asText());
                        }
                    }
                }
            }
            if (Files.isRegularFile(jinjaFile)) {
                template = Optional.of(Files.readString(jinjaFile));
            }
        } catch (IOException e) {
            throw InvalidInputException.inFile(config, "cannot read: " + e.getMessage());
        }
        return new ChatTemplate(template, bos, eos);
    }

    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        return node.isTextual() ? node.asText() : node.path("content").asText("");
    }

    public boolean hasTemplate() {
        return template.isPresent();
    }

    public String bosToken() {
        return bosToken;
    }

    /**
     * A base model (no chat template) never saw roles or turn markers, so the conversation is rendered as one
     * running text it continues: the user's and the model's turns joined by single spaces, system prompts dropped.
     */
    private static String continuation(List<ChatMessage> messages) {
        return String.join(" ", messages.stream().filter(m -> !m.role().equals("system"))
                .map(m -> m.content().strip()).filter(c -> !c.isEmpty()).toList());
    }

    /** Renders the conversation, ending with the assistant's turn opened when {@code addGenerationPrompt}. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        if (template.isEmpty()) {
            return continuation(messages);
        }
        Map<String, Object> context = new HashMap<>();
        context.put("messages", messages.stream().map(m -> Map.of("role", m.role(), "content", m.content())).toList());
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        context.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result = jinja.renderForResult(template.get(), context);
        for (TemplateError e : result.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new InvalidInputException("chat template failed: " + e.getMessage().lines().findFirst()
                        .orElse("") + " (line " + e.getLineno() + ")");
            }
        }
        return result.getOutput();
    }
}

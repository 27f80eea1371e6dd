package dev.ternary.cli;

import dev.ternary.convert.tokenizer.TextTokenizer;
import dev.ternary.infer.chat.ChatMessage;
import dev.ternary.infer.chat.ChatTemplate;
import dev.ternary.infer.generate.GenerationResult;
import dev.ternary.infer.generate.Generator;
import dev.ternary.infer.model.Model;
import dev.ternary.infer.sampling.SamplingOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ternary chat}: a multi-turn conversation on stdin/stdout with streamed replies. Works interactively and
 * with piped input (one user turn per line). {@code /reset} clears the conversation, {@code /exit} or end of
 * input (Ctrl-D) quits.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Chat with a model (default: the demo ternary model). /reset clears, /exit or Ctrl-D quits.")
final class ChatCommand implements Callable<Integer> {
    /** End-of-turn markers of common chat formats; those the vocabulary has also stop a reply. */
    private static final List<String> END_OF_TURN = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "</s>",
            "<|endoftext|>", "<end_of_turn>");

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingMixin sampling;

    @Mixin
    ModelSelection selection;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system prompt.")
    String system;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean interactive = ConvertProgress.onTerminal();
        SamplingOptions base = sampling.toSamplingOptions();
        try (Model m = Model.load(selection.resolve(), modelOptions.toLoadOptions(selection.context))) {
            TextTokenizer tokenizer = m.tokenizer();
            ChatTemplate template = m.chatTemplate();
            Generator generator = new Generator(m, endOfTurnTokens(tokenizer));
            List<ChatMessage> messages = new ArrayList<>();
            if (system != null) {
                messages.add(ChatMessage.system(system));
            }
            if (interactive && !common.quiet) {
                err.println("Chatting with " + m.name() + ". /reset clears the conversation, /exit or Ctrl-D quits.");
                if (!template.hasTemplate()) {
                    err.println("(a base model without a chat template: it continues your text as one running story)");
                }
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (int turn = 0; ; turn++) {
                if (interactive) {
                    out.print("> ");
                    out.flush();
                }
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit") || line.strip().equals("/quit")) {
                    break;
                }
                if (line.isBlank()) {
                    continue;
                }
                if (line.strip().equals("/reset")) {
                    messages.removeIf(msg -> !msg.role().equals("system"));
                    generator.reset();
                    err.println("(conversation cleared)");
                    continue;
                }
                messages.add(ChatMessage.user(line));
                int[] ids = fitPrompt(m, template, tokenizer, messages);
                SamplingOptions options = new SamplingOptions(base.temperature(), base.topK(), base.topP(),
                        base.minP(), base.repetitionPenalty(), base.seed() + turn);
                GenerationResult r = generator.generate(ids, sampling.maxTokens, options, (id, text) -> {
                    out.print(text);
                    out.flush();
                });
                out.println();
                out.flush();
                messages.add(ChatMessage.assistant(r.text()));
                if (!common.quiet) {
                    err.println(GenerateCommand.Stats.line(r.promptTokens(), r));
                }
            }
        }
        return 0;
    }

    /** Renders the conversation, dropping the oldest turns while it leaves no room for a reply. */
    private int[] fitPrompt(Model m, ChatTemplate template, TextTokenizer tokenizer, List<ChatMessage> messages) {
        int room = m.contextLength() - Math.min(sampling.maxTokens, m.contextLength() / 2);
        while (true) {
            int[] ids = encode(m, template, tokenizer, messages);
            int first = messages.getFirst().role().equals("system") ? 1 : 0;
            if (ids.length <= room || messages.size() - first <= 1) {
                return ids;
            }
            messages.remove(first);
        }
    }

    /** The rendered conversation; templates add their own BOS, the plain layout gets the config's. */
    private static int[] encode(Model m, ChatTemplate template, TextTokenizer tokenizer, List<ChatMessage> messages) {
        int[] ids = tokenizer.encode(template.render(messages, true), false);
        return template.hasTemplate() ? ids : m.withBos(ids);
    }

    private static Set<Integer> endOfTurnTokens(TextTokenizer tokenizer) {
        Set<Integer> ids = new HashSet<>();
        for (String s : END_OF_TURN) {
            int id = tokenizer.tokenId(s);
            if (id >= 0) {
                ids.add(id);
            }
        }
        return ids;
    }
}

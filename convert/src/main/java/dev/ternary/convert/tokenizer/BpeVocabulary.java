package dev.ternary.convert.tokenizer;

import java.util.List;

/**
 * A byte-level BPE vocabulary: token strings in GPT-2's byte alphabet (id = index), the merges in rank order
 * (each {@code left + right} is itself a token), and special tokens whose ids follow the regular ones.
 */
public record BpeVocabulary(List<String> tokens, List<Merge> merges, List<String> specialTokens) {
    /** One merge rule: the adjacent pair {@code left right} becomes {@code left + right}. */
    public record Merge(String left, String right) {}

    public BpeVocabulary {
        tokens = List.copyOf(tokens);
        merges = List.copyOf(merges);
        specialTokens = List.copyOf(specialTokens);
    }

    /** Regular tokens plus specials. */
    public int size() {
        return tokens.size() + specialTokens.size();
    }
}

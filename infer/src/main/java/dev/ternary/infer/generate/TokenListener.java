package dev.ternary.infer.generate;

/** Receives generated text as it is produced. */
@FunctionalInterface
public interface TokenListener {
    TokenListener NONE = (id, text) -> {};

    /**
     * @param tokenId the token just sampled
     * @param text    the new text it completes (may be empty while a multi-byte character is still partial)
     */
    void onToken(int tokenId, String text);
}

package dev.ternary.convert;

/** Progress callbacks from a conversion; called from worker threads, so implementations must be thread-safe. */
public interface ConvertListener {
    ConvertListener SILENT = new ConvertListener() {};

    /** Before any tensor: how many tensors and input bytes there are. */
    default void started(int tensors, long inputBytes) {}

    /** After one input tensor has been written. */
    default void tensorDone(String name, long inputBytes) {}
}

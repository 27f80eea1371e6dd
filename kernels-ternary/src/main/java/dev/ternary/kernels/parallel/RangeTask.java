package dev.ternary.kernels.parallel;

/** Work over a range of items (row blocks, rows), run by one worker of a {@link KernelThreads}. */
@FunctionalInterface
public interface RangeTask {
    /**
     * Processes items {@code [from, to)}.
     *
     * @param worker index of the worker running this part, {@code 0 <= worker < threads.size()}; worker 0 is the
     *               calling thread. Kernels use it to pick per-worker scratch buffers.
     */
    void run(int from, int to, int worker);
}

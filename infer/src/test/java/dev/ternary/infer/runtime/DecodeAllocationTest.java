package dev.ternary.infer.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ternary.convert.synthetic.ModelShape;
import dev.ternary.infer.model.LoadOptions;
import dev.ternary.infer.model.Model;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The decode loop must not allocate per token: everything is preallocated by the Transformer and the linears. */
class DecodeAllocationTest {
    private static final int WARM_UP_ROUNDS = 4;

    @Test
    void decodingTokensAllocatesNothingOnTheCallingThread() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // the default ternary layout, bf16, and the 1.6-bit bit-slice layout, whose decoder once stayed in C1's
        // boxing tier when it grew too big for the profiling tier
        String[] formats = {"auto", null, "bitslice"};
        for (String format : formats) {
            boolean ternary = format != null;
            LoadOptions options = LoadOptions.defaults().withThreads(2).withContextLength(128)
                    .withTernaryFormat(ternary ? format : "auto");
            try (Model m = Model.synthetic(ModelShape.Preset.TINY.shape(), ternary, options)) {
                Transformer t = m.newTransformer();
                int[] tokens = new int[128];
                for (int i = 0; i < tokens.length; i++) {
                    tokens[i] = (i * 31) % 256;
                }
                // Warm up until C2 has compiled the Vector API code (interpreted or in C1, vectors are heap objects).
                // When C2 is still busy after the first warm-up (1 run in ~10 of the whole module's suite, bf16 or
                // ternary alike), warm up more before judging; code that boxes for good fails every round.
                long thread = Thread.currentThread().threadId();
                long allocated = Long.MAX_VALUE;
                for (int round = 0; round < WARM_UP_ROUNDS && allocated >= 4096; round++) {
                    for (int i = 0; i < 3000; i++) {
                        int p = i % 100;
                        t.forward(tokens, p, 1, p, false);
                    }
                    long before = mx.getThreadAllocatedBytes(thread);
                    for (int p = 40; p < 120; p++) {
                        t.forward(tokens, p, 1, p, false);
                    }
                    allocated = mx.getThreadAllocatedBytes(thread) - before;
                }
                assertTrue(allocated < 4096, (ternary ? "ternary " + format : "bf16") + " decode of 80 tokens allocated "
                        + allocated + " bytes after " + WARM_UP_ROUNDS + " warm-ups of 3,000 tokens");
            }
        }
    }
}

package dev.ternary.kernels.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class KernelThreadsTest {

    @Test
    void coversEveryItemOnceAcrossManyCalls() {
        try (KernelThreads threads = new KernelThreads(3)) {
            for (int n : new int[] {1, 2, 3, 10, 1001}) {
                for (int call = 0; call < 50; call++) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(n);
                    threads.run(n, (from, to, worker) -> {
                        for (int i = from; i < to; i++) {
                            seen.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, seen.get(i));
                    }
                }
            }
        }
    }

    @Test
    void rethrowsAWorkerFailure() {
        try (KernelThreads threads = new KernelThreads(2)) {
            assertThrows(IllegalStateException.class, () -> threads.run(10, (from, to, worker) -> {
                if (worker == 1) {
                    throw new IllegalStateException("boom");
                }
            }));
            threads.run(4, (from, to, worker) -> {}); // still usable
        }
    }
}

package dev.ternary.kernels.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class KernelThreadsTest {

    /** Makes one call through {@code call} and checks that its task saw each item of {@code [0, n)} exactly once. */
    private static void assertEachItemOnce(int n, Consumer<RangeTask> call) {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        call.accept((from, to, worker) -> {
            for (int i = from; i < to; i++) {
                seen.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen.get(i), "item " + i + " of " + n);
        }
    }

    @Test
    void coversEveryItemOnceAcrossManyCalls() {
        try (KernelThreads threads = new KernelThreads(3)) {
            for (int n : new int[] {1, 2, 3, 10, 1001}) {
                for (int call = 0; call < 50; call++) {
                    assertEachItemOnce(n, task -> threads.run(n, task));
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

    @Test
    void claimedChunksCoverEveryItemOnceAtMostAGrainAtATime() {
        try (KernelThreads threads = new KernelThreads(3)) {
            for (int n : new int[] {1, 2, 3, 10, 1001}) {
                for (int grain : new int[] {1, 7, 64, 5000}) {
                    for (int call = 0; call < 20; call++) {
                        assertEachItemOnce(n, task -> threads.runClaimed(n, grain, (from, to, worker) -> {
                            assertTrue(to - from <= grain && to <= n, "a chunk is at most one grain");
                            task.run(from, to, worker);
                        }));
                    }
                    // a fixed-split call in between must not see the claim state
                    assertEachItemOnce(n, task -> threads.run(n, task));
                }
            }
        }
    }

    @Test
    void aStalledWorkerLeavesItsRemainingChunksToTheOthers() {
        int n = 64;
        int grain = 4;
        try (KernelThreads threads = new KernelThreads(2)) {
            AtomicIntegerArray itemsByWorker = new AtomicIntegerArray(2);
            threads.runClaimed(n, grain, (from, to, worker) -> {
                if (worker == 1) {
                    try {
                        Thread.sleep(300); // a helper that lost its core
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                itemsByWorker.addAndGet(worker, to - from);
            });
            // a fixed split would have left the stalled helper half of the items
            assertTrue(itemsByWorker.get(0) >= n - grain, "the caller ran " + itemsByWorker.get(0) + " of " + n);
            assertEquals(n, itemsByWorker.get(0) + itemsByWorker.get(1));
        }
    }

    @Test
    void grainIsAWholeNumberOfTilesAndSplitsTheWorkIntoSeveralChunksPerWorker() {
        try (KernelThreads threads = new KernelThreads(2)) {
            assertEquals(512, threads.grain(8192, 1)); // 8 chunks per worker
            assertEquals(512, threads.grain(8192, 128));
            assertEquals(600, threads.grain(8192, 120)); // 512 rounded up to whole tiles of 120
            assertEquals(7, threads.grain(10, 7));
            assertEquals(1, threads.grain(0, 1));
            assertThrows(IllegalArgumentException.class, () -> threads.runClaimed(10, 0, (from, to, worker) -> {}));
        }
    }
}

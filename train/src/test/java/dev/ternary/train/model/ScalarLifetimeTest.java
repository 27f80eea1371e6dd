package dev.ternary.train.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Scalars saved by autograd must outlive the forward pass. DJL's {@code div(Number)} wraps a Java direct buffer
 * without copying and closes it at once; after a GC the backward pass can read whatever reuses that memory.
 * {@link Torch#scalar} copies the value into PyTorch-owned memory. (With {@code x.div(4f)} in place of
 * {@code Torch.scalar} this test reads a gradient of about -75 instead of 0.25 on this machine.)
 */
class ScalarLifetimeTest {
    /** d/dx Σ op(x), computed after collecting garbage and filling fresh direct buffers with NaN bytes. */
    private static float[] gradientUnderGcPressure(UnaryOperator<NDArray> op) {
        try (NDManager m = Torch.newManager(Device.cpu())) {
            Torch.gradMode(false);
            NDArray x = m.create(new float[] {1f, 2f, 3f, 4f}, new Shape(4));
            x.setRequiresGradient(true);
            try (GradientCollector c = Torch.engine().newGradientCollector()) {
                NDArray y;
                try (NDScope ignored = new NDScope()) {
                    y = op.apply(x).sum();
                    NDScope.unregister(y);
                }
                List<ByteBuffer> junk = new ArrayList<>();
                for (int round = 0; round < 5; round++) {
                    System.gc();
                    for (int i = 0; i < 2000; i++) {
                        ByteBuffer b = ByteBuffer.allocateDirect(64);
                        while (b.hasRemaining()) {
                            b.put((byte) 0xFF);
                        }
                        junk.add(b);
                    }
                }
                c.backward(y);
                y.close();
            }
            Torch.gradMode(false);
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void ownedScalarsSurviveGarbageCollectionBeforeBackward() {
        float[] expected = {0.25f, 0.25f, 0.25f, 0.25f};
        for (int run = 0; run < 3; run++) {
            assertArrayEquals(expected, gradientUnderGcPressure(x -> x.div(Torch.scalar(x.getManager(), 4f))), 0f);
        }
    }
}

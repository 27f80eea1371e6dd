package dev.ternary.train.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.ternary.convert.InvalidInputException;
import java.util.Locale;

/**
 * The one place that touches DJL's PyTorch engine directly: offline start, device choice, grad mode.
 *
 * <p>PyTorch's grad mode is thread-local and on by default; DJL turns it off only on the thread that starts the
 * engine. Training runs on whatever thread calls it, so every entry point sets it explicitly: off for the
 * teacher, evaluation and optimizer updates (in-place updates of leaf tensors are only legal without it), on
 * inside a {@code GradientCollector}.
 */
public final class Torch {
    public static final String ENGINE = "PyTorch";

    /** Where tensors live: the CPU (default) or the first CUDA GPU. */
    public enum DeviceKind {
        CPU, GPU;

        public static DeviceKind parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "cpu" -> CPU;
                case "gpu", "cuda" -> GPU;
                default -> throw new InvalidInputException("--device: '" + name + "' is not one of cpu, gpu");
            };
        }
    }

    static {
        // Never let DJL download libtorch or report telemetry: everything it needs is on the classpath.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private Torch() {}

    public static Engine engine() {
        return Engine.getEngine(ENGINE);
    }

    /** The DJL device for a choice; a clear error if a GPU is asked for and PyTorch sees none. */
    public static Device device(DeviceKind kind) {
        if (kind == DeviceKind.CPU) {
            return Device.cpu();
        }
        if (engine().getGpuCount() == 0) {
            throw new InvalidInputException("--device gpu: PyTorch sees no CUDA GPU. This build bundles the CPU"
                    + " libtorch; for a GPU build with -Pcuda and set PYTORCH_LIBRARY_PATH to a CUDA 12.8 libtorch"
                    + " 2.7.1 (see docs/RESULTS.md), or use --device cpu");
        }
        return Device.gpu();
    }

    public static NDManager newManager(Device device) {
        return NDManager.newBaseManager(device, ENGINE);
    }

    /**
     * Sets PyTorch's intra-op CPU threads (0 keeps its default, one per core). On a machine shared with other busy
     * processes, fewer threads can be many times faster: OpenMP workers spin at barriers waiting for descheduled
     * siblings (measured on 2 cores next to another busy JVM: 1 thread 10k tokens/s, 2 threads 0.9k).
     */
    public static void threads(int count) {
        engine();
        if (count > 0 && JniUtils.getNumThreads() != count) {
            JniUtils.setNumThreads(count);
        }
    }

    /**
     * A 0-dimensional tensor holding {@code value}, in PyTorch-owned memory. Use it instead of DJL's
     * {@code mul(Number)}/{@code div(Number)} anywhere gradients flow: those wrap a Java direct buffer without
     * copying ({@code from_blob}) and close it at once, while autograd keeps the scalar for the backward pass; once
     * the garbage collector frees the buffer, backward reads freed memory (we saw NaNs and irreproducible losses).
     */
    public static NDArray scalar(NDManager manager, float value) {
        try (NDArray borrowed = manager.create(value)) {
            return borrowed.duplicate();
        }
    }

    /** Sets PyTorch's grad mode for the calling thread. */
    public static void gradMode(boolean enabled) {
        engine();
        JniUtils.setGradMode(enabled);
    }
}

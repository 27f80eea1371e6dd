package dev.ternary.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A model's tensors by their Hugging Face names ({@code model.layers.0.self_attn.q_proj.weight}), all owned by one
 * {@link NDManager}. Keeping the checkpoint's names as keys makes loading, exporting and optimizer state a plain
 * walk over one map, and lets a reader match a parameter to its tensor in any safetensors file.
 */
public final class ParameterStore implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private final Set<String> ternaryWeights = new HashSet<>();

    public ParameterStore(NDManager manager) {
        this.manager = manager;
    }

    public NDManager manager() {
        return manager;
    }

    /** Adds a tensor; {@code ternary} marks a weight loaded from a packed checkpoint, exactly {@code s·T}. */
    public void put(String name, NDArray array, boolean ternary) {
        if (arrays.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter " + name);
        }
        array.setName(name);
        arrays.put(name, array);
        if (ternary) {
            ternaryWeights.add(name);
        }
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return a;
    }

    public boolean contains(String name) {
        return arrays.containsKey(name);
    }

    /** Whether a weight already holds ternary values times its scale (loaded from a packed checkpoint). */
    public boolean isTernary(String name) {
        return ternaryWeights.contains(name);
    }

    /** True if any weight came from a packed ternary checkpoint. */
    public boolean hasTernaryWeights() {
        return !ternaryWeights.isEmpty();
    }

    /** The tensors in insertion order (the checkpoint's order). */
    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    public long elementCount() {
        return arrays.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /** Makes every tensor a leaf that collects gradients. */
    public void requireGradients() {
        arrays.values().forEach(a -> a.setRequiresGradient(true));
    }

    @Override
    public void close() {
        manager.close();
    }
}

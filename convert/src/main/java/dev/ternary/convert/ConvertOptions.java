package dev.ternary.convert;

import dev.ternary.convert.safetensors.DType;
import java.util.Optional;

/**
 * How to convert.
 *
 * @param denseDtype    dtype for tensors that stay dense (embeddings, lm_head, norms, biases); empty keeps theirs
 * @param maxShardBytes split the output into shards of at most this many bytes; 0 writes one file
 * @param force         replace an existing output directory
 * @param threads       worker threads (tensors are converted in parallel)
 */
public record ConvertOptions(Optional<DType> denseDtype, long maxShardBytes, boolean force, int threads) {
    public ConvertOptions {
        if (denseDtype.isPresent() && !denseDtype.get().isFloatingPoint()) {
            throw new InvalidInputException("dense dtype must be F32, F16 or BF16, got " + denseDtype.get());
        }
        if (maxShardBytes < 0) {
            throw new InvalidInputException("--max-shard-size must not be negative");
        }
        if (threads < 1) {
            throw new InvalidInputException("--threads must be at least 1, got " + threads);
        }
    }

    /** bf16 dense tensors, one file, no overwrite, one thread per core. */
    public static ConvertOptions defaults() {
        return new ConvertOptions(Optional.of(DType.BF16), 0, false, Runtime.getRuntime().availableProcessors());
    }

    public ConvertOptions withForce(boolean value) {
        return new ConvertOptions(denseDtype, maxShardBytes, value, threads);
    }

    public ConvertOptions withMaxShardBytes(long value) {
        return new ConvertOptions(denseDtype, value, force, threads);
    }

    public ConvertOptions withDenseDtype(Optional<DType> value) {
        return new ConvertOptions(value, maxShardBytes, force, threads);
    }

    public ConvertOptions withThreads(int value) {
        return new ConvertOptions(denseDtype, maxShardBytes, force, value);
    }
}

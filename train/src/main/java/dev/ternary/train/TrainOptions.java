package dev.ternary.train;

import dev.ternary.train.loop.LoopOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code ternary train}: a model from scratch.
 *
 * @param config    a Hugging Face {@code config.json} (or a directory holding one) giving the architecture and shape
 * @param tokenizer a {@code tokenizer.json}; default: the one beside config.json
 * @param data      a text or JSONL file, or a directory of them
 * @param output    the run directory
 * @param ternary   quantization-aware training with BitLinear projections; false trains a dense model
 */
public record TrainOptions(Path config, Optional<Path> tokenizer, Path data, Path output, boolean ternary,
        LoopOptions loop) {}

/**
 * Activation quantization for ternary linears: per-token absmax int8
 * ({@link dev.ternary.kernels.quant.ActivationQuantizer}) into reusable buffers
 * ({@link dev.ternary.kernels.quant.Int8Activations}).
 */
package dev.ternary.kernels.quant;

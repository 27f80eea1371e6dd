/**
 * Trit packings: Hugging Face's on-disk BitNet layout ({@link dev.ternary.kernels.format.HfBitNetLayout}) and the
 * in-memory kernel formats ({@link dev.ternary.kernels.format.TernaryFormat}: 2-bit lookup, 2-bit bit planes, 1.6-bit
 * base-3, 1.6-bit bit-sliced).
 */
package dev.ternary.kernels.format;

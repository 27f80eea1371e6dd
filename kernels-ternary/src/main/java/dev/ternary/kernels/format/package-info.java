/**
 * Trit packings: Hugging Face's on-disk BitNet layout ({@link dev.ternary.kernels.format.HfBitNetLayout}) and the
 * in-memory kernel formats ({@link dev.ternary.kernels.format.TernaryFormat}: 2-bit lookup, 1.6-bit base-3).
 */
package dev.ternary.kernels.format;

/**
 * Ternary GEMV/GEMM over int8 activations: {@link dev.ternary.kernels.ternary.TernaryMatrix} with a table-lookup
 * kernel for the 2-bit format and a masked add/subtract kernel for the 1.6-bit base-3 format, each with a scalar twin.
 */
package dev.ternary.kernels.ternary;

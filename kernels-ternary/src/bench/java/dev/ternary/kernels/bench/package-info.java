/**
 * JMH suite of the kernels (profile {@code bench}): memory bandwidth, GEMV and GEMM of the ternary formats against
 * the dense Vector API kernels and ND4J, at real model shapes, cycling over >= 512 MiB of weights. Results and the
 * command are in {@code docs/BENCHMARKS.md}.
 */
package dev.ternary.kernels.bench;

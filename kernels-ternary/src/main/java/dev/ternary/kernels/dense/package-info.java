/**
 * Dense baselines and full-precision layers: {@link dev.ternary.kernels.dense.DenseMatrix} in fp32, bf16 or Q8
 * (int8 with per-row scale), Vector API GEMV/GEMM with scalar twins.
 */
package dev.ternary.kernels.dense;

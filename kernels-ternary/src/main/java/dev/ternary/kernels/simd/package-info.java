/**
 * Vector API plumbing: the width every kernel uses ({@link dev.ternary.kernels.simd.KernelSpecies}, selectable with
 * {@code -Dternary.kernels.vectorBits}) and a loud check that {@code jdk.incubator.vector} is present
 * ({@link dev.ternary.kernels.simd.VectorModule}).
 */
package dev.ternary.kernels.simd;

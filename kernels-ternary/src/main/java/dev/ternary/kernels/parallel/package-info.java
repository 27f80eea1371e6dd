/**
 * A persistent, allocation-free worker pool ({@link dev.ternary.kernels.parallel.KernelThreads}) that splits a
 * kernel call over output rows.
 */
package dev.ternary.kernels.parallel;

// Element-wise and reduction primitives on float arrays: one table per ISA.
// The building blocks later kernels and the addon share (BLAS level-1 style).
#pragma once

#include <cstddef>

#include "../../simd/dispatch.h"

namespace simdtrain {

struct VectorKernels {
  void (*fill)(float* out, size_t n, float value);           // out[i] = value
  void (*scale)(float* x, size_t n, float alpha);            // x[i] *= alpha
  void (*axpy)(size_t n, float alpha, const float* x, float* y);  // y[i] += alpha * x[i]
  // Reductions accumulate in float lanes and return the total as double.
  double (*dot)(size_t n, const float* x, const float* y);  // sum x[i] * y[i]
  double (*sum)(size_t n, const float* x);                  // sum x[i]
  double (*sum_sq)(size_t n, const float* x);               // sum x[i]^2
};

SIMDTRAIN_DECLARE_TABLES(VectorKernels, kVectorKernels)

}  // namespace simdtrain

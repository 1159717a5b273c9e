// The vector kernels of the bf16 emulation (gemm_bf16_emulate.cc), one table
// per vector ISA: each lane is one element of C with its own sequential sum,
// so every ISA gives the scalar emulation's bits (docs/bf16.md).
#pragma once

#include <cstddef>

#include "../../simd/dispatch.h"

namespace simdtrain {

struct Bf16EmulateKernels {
  // Raw sums of rows [i0, i1) of C: sums[(i - i0) * n + j] = the sequential
  // fp32 sum over the products a[i*k + q] * b[q*n + j] (bf16-rounded values,
  // exact products) in the order q = p + first, p + 1 - first for p = 0, 2,
  // 4, ... (q < k), each addition rounded to nearest and flushed to signed
  // zero when denormal. first is 0 (even product first) or 1.
  void (*sums)(const float* a, const float* b, size_t i0, size_t i1, size_t n, size_t k, size_t first, float* sums);
};

SIMDTRAIN_DECLARE_TABLES(Bf16EmulateKernels, kBf16EmulateKernels)

}  // namespace simdtrain

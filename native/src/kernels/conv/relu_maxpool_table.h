// Per-ISA inner loops of the ReLU + max-pool fusion (relu_maxpool.h), written
// once over the SIMD abstraction in relu_maxpool_kernels.isa.cc; the driver
// (relu_maxpool.cc) keeps the threading. Lane-wise select / compare / add
// only, so every ISA gives the scalar reference's bits.
#pragma once

#include <cstddef>

#include "../../simd/dispatch.h"
#include "pool2d.h"

namespace simdtrain {

struct ReluMaxpoolKernels {
  // One window of ny x nx pixels (pixel (i, j) at base + i * row_stride + j * c,
  // c channels): out[ch] = its max (first max in window order, NaN wins),
  // code[ch] = i * nx + j of that max if it is > 0, else -1.
  void (*window)(const float* base, size_t row_stride, size_t ny, size_t nx, size_t c, float* out, float* code);
  // dz and the column sums for channels [0, cols) of every row of the batch
  // (s.c is the row stride; code, dy, dz and sums start at the first channel).
  void (*grad)(const Pool2dShape& s, size_t cols, const float* code, const float* dy, float* dz, float* sums,
               bool accumulate);
};

SIMDTRAIN_DECLARE_TABLES(ReluMaxpoolKernels, kReluMaxpoolKernels)

}  // namespace simdtrain

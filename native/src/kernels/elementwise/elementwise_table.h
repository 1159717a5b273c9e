// Element-wise binary ops with the two broadcasts a dense network's graph
// needs (one row of values per column, or one value per row), and tfjs's
// Step: the kernels behind the tfjs backend's Multiply / Sub / RealDiv /
// Add / Step (its Relu and other activations are the nn activation kernels,
// nn_act_kernels.isa.cc). One correctly rounded float op per element (no FMA), so the
// results equal tfjs's cpu kernels (double op, then rounded to float) bit
// for bit.
#pragma once

#include <cstddef>

#include "../../simd/dispatch.h"

namespace simdtrain {

// Codes shared with lib/tfjs/kernels/elementwise.ts (keep in sync).
enum BinaryOp : int { kBinAdd = 0, kBinSub, kBinMul, kBinDiv, kBinRsub, kBinRdiv, kBinOpCount };  // r*: b op a
enum BinaryMode : int { kBinRow = 0, kBinCol, kBinModeCount };  // b[col] / b[row]

struct ElementwiseKernels {
  // out[r][c] = a[r][c] op (mode == kBinRow ? b[c] : b[r]); a, out: rows x cols.
  void (*binary)(int op, int mode, size_t rows, size_t cols, const float* a, const float* b, float* out);
  // out[i] = NaN if x[i] is NaN, 1 if x[i] > 0, else alpha (tfjs's Step).
  void (*step)(size_t n, const float* x, float alpha, float* out);
};

SIMDTRAIN_DECLARE_TABLES(ElementwiseKernels, kElementwiseKernels)

}  // namespace simdtrain

// Convolution as im2col + the packed SGEMM: the general path of conv2d
// (conv2d.cc routes every shape the direct, Winograd and depthwise paths do
// not take here). Same layouts and semantics as conv2d.h.
//
// im2col: row m = (n, oy, ox) of the column matrix X_col holds, group by
// group, the input patch that output pixel reads, [g][i][j][ci] (kh*kw*cin_g
// floats per group, zero where the patch leaves the padded input). Then
//   forward   Y_g   = X_col_g · W_g            (+ bias, relu in the GEMM's store)
//   dgrad     dX_col_g = dY_g · W_gᵀ, then col2im sums the rows' terms of each dx element
//   wgrad     dW_g (+)= X_col_gᵀ · dY_g
// with W_g = columns g*cout_g .. of the [kh*kw*cin_g, out_c] filter matrix.
// The batch is processed in chunks of whole images so the column buffer
// stays below kColBudgetFloats (unless one image alone needs more). A 1x1,
// stride-1, unpadded convolution reads x (and writes dx) in place: X_col = x.
#pragma once

#include <cstddef>

#include "conv2d.h"

namespace simdtrain {

// 2 Mi floats (8 MiB): M = rows of a chunk stays in the thousands for the
// usual layers, big enough for the GEMM to run at full speed.
constexpr size_t kColBudgetFloats = size_t{1} << 21;

// x read in place (1x1, stride 1, unpadded): no column buffer (an input
// gradient that accumulates may need a stage buffer). The workspace also holds
// col2im's row buffers.
bool im2col_in_place(const Conv2dShape& s);
size_t im2col_workspace_floats(const Conv2dShape& s);

void im2col_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
                    float* workspace);
// dx overwritten, or added to (accumulate: dx + the full result, the bits of adding it afterwards).
void im2col_backward_input(const Conv2dShape& s, const float* w, const float* dy, float* dx, float* workspace,
                           bool accumulate = false);
// dw overwritten or added to (accumulate).
void im2col_backward_filter(const Conv2dShape& s, const float* x, const float* dy, float* dw, bool accumulate,
                            float* workspace);

}  // namespace simdtrain

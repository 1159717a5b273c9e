// Max pooling of a ReLU'd convolution output through disjoint windows that
// tile it (stride = pool size, no padding; rows / columns past the last whole
// window are dropped, as floor pooling does): the graph's Conv2D(relu) +
// MaxPool2D fusion (graph/ops_conv_pool.cc). The conv output z itself is
// never kept: the forward pass keeps, per pooled value, a code (the window
// index i * kw + j of the max when the max is > 0, else -1), and the backward
// pass writes the conv's pre-activation gradient dz from the codes and the
// pooled gradient in one pass, with the bias gradient (column sums of dz).
//
//   z  [batch, in_h, in_w, c]   (already ReLU'd by the conv's store)
//   y, code, dy  [batch, out_h, out_w, c]
//
// The bits of the unfused ops (maxpool2d_forward / maxpool2d_backward, then
// the conv's ReLU backward with its column sums, nn_act_backward_col_sums):
// the same max and tie rule (first max in window order, NaN wins), dz = 0 + dy
// at the max where it is > 0, else +0, and each channel's bias sum adds dz's
// rows in order (zeros included).
#pragma once

#include <cstddef>

#include "pool2d.h"

namespace simdtrain {

// Whether s fits: stride = pool size, no padding, a window of < 2^24 pixels.
bool relu_maxpool_fits(const Pool2dShape& s);

void relu_maxpool_forward(const Pool2dShape& s, const float* z, float* y, float* code);
// dz (x_size floats) overwritten; sums (c floats, may be null) =
// (accumulate ? sums : 0) + the column sums of dz, rows in order.
void relu_maxpool_backward(const Pool2dShape& s, const float* code, const float* dy, float* dz, float* sums, bool accumulate);

// The plain scalar code the per-ISA kernels are tested against (same bits).
void relu_maxpool_forward_reference(const Pool2dShape& s, const float* z, float* y, float* code);
void relu_maxpool_backward_reference(const Pool2dShape& s, const float* code, const float* dy, float* dz, float* sums,
                                     bool accumulate);

}  // namespace simdtrain

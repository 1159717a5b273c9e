// Direct convolution driver (no im2col): conv2d.cc routes here the shapes
// where measurement (bench/conv.bench.js) found the register-blocked rows of
// conv_direct.h faster than im2col + GEMM. Same layouts and semantics as
// conv2d.h.
//
// Ungrouped convolutions whose output channels fill whole vectors run
// forward as register-blocked runs of output pixels over a zero-padded copy
// of x; stride-1 input gradients run the same kernel over padded dy with the
// filter flipped and transposed; strided ones (no dilation) split dx into
// stride_h x stride_w classes of pixels (row and column residues), each a
// stride-1 correlation of padded dy with the taps that reach it, written to
// every stride-th pixel (no column buffer, no col2im). Filter gradients of ungrouped filters: each block of dW
// rows sums over all output pixels of a fixed part of the batch, 64 pixels
// at a time (the parts are added in order, so the bits do not depend on the
// threads).
#pragma once

#include <cstddef>

#include "conv2d.h"

namespace simdtrain {

// Whether the active ISA's direct kernels take this pass of this shape.
bool direct_forward_ok(const Conv2dShape& s);
bool direct_input_ok(const Conv2dShape& s);
bool direct_filter_ok(const Conv2dShape& s);
// Floats per vector of the active ISA's kernels.
size_t direct_lanes();

// Workspace the direct passes of this shape may need on any ISA.
size_t direct_workspace_floats(const Conv2dShape& s);

void direct_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
                    float* workspace);
// dx overwritten, or added to (accumulate: dx + the full result, the bits of adding it afterwards).
void direct_backward_input(const Conv2dShape& s, const float* w, const float* dy, float* dx, float* workspace,
                           bool accumulate = false);
// dw overwritten or added to (accumulate).
void direct_backward_filter(const Conv2dShape& s, const float* x, const float* dy, float* dw, bool accumulate,
                            float* workspace);

}  // namespace simdtrain

// Winograd F(2x2, 3x3) / F(4x4, 3x3) driver (kernels: conv_winograd.h): conv2d.cc routes
// here the 3x3, stride-1, undilated, ungrouped shapes whose channels fill
// whole vectors, where bench/conv.bench.js measured it faster than the direct
// rows. Same layouts and semantics as conv2d.h. The input gradient is the
// same forward pass over dy with the filter flipped and transposed. Results
// do not depend on the thread count (the filter gradient sums fixed parts of
// the tiles, then adds the parts in order).
#pragma once

#include <cstddef>

#include "conv2d.h"

namespace simdtrain {

// Whether the active ISA can run each pass of this shape (channels a
// multiple of its lanes).
bool winograd_forward_ok(const Conv2dShape& s);
bool winograd_input_ok(const Conv2dShape& s);
bool winograd_filter_ok(const Conv2dShape& s);

// Every pass: output tiles of m x m (2: F(2x2, 3x3), 4: F(4x4, 3x3))
// whatever the rule picks; 0 restores the rule. For tests and benchmarks.
void winograd_force_tile(size_t m);
// The output tile (2 or 4) the forward (and filter gradient) / input gradient of s would use.
size_t winograd_forward_tile(const Conv2dShape& s);
size_t winograd_input_tile(const Conv2dShape& s);

// Workspace any pass may need on any ISA (0 for shapes it never takes).
size_t winograd_workspace_floats(const Conv2dShape& s);

// pre: the input pre-op (conv2d.h), or null. blocks: conv2d.h's ConvRowBlocks (null: none).
void winograd_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
                      float* workspace, const ConvInputAffine* pre = nullptr, const ConvRowBlocks* blocks = nullptr);
// dx overwritten, or added to (accumulate: dx + the full result, the bits of adding it afterwards).
void winograd_backward_input(const Conv2dShape& s, const float* w, const float* dy, float* dx, float* workspace,
                             bool accumulate = false, const ConvRowBlocks* blocks = nullptr);
// dw overwritten or added to (accumulate). dy_blocks: conv2d.h's (dy written on demand), or null.
void winograd_backward_filter(const Conv2dShape& s, const float* x, const float* dy, float* dw, bool accumulate,
                              float* workspace, const ConvInputAffine* pre = nullptr,
                              const ConvRowBlocks* dy_blocks = nullptr);

}  // namespace simdtrain

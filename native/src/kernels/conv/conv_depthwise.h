// Depthwise convolution (groups == in_c, out_c = in_c * multiplier), direct:
// the per-channel loops run over contiguous NHWC channels. Internal to
// conv2d.cc, which routes depthwise shapes here (im2col would build in_c
// GEMMs of width `multiplier`). Same layouts and semantics as conv2d.h.
#pragma once

#include <cstddef>

#include "conv2d.h"

namespace simdtrain {

// Images of the batch summed in this many fixed parts by the filter gradient.
constexpr size_t kDepthwiseParts = 4;

inline bool conv2d_is_depthwise(const Conv2dShape& s) { return s.groups > 1 && s.groups == s.in_c; }

void depthwise_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias, Activation act, float* y);
// dx overwritten, or added to (accumulate: the bits of adding the result
// afterwards; workspace: kDepthwiseParts images, depthwise_workspace_floats).
void depthwise_backward_input(const Conv2dShape& s, const float* w, const float* dy, float* dx, bool accumulate = false,
                              float* workspace = nullptr);
// Workspace of the filter gradient and the accumulating input gradient.
inline size_t depthwise_workspace_floats(const Conv2dShape& s) {
  const size_t image = s.in_h * s.in_w * s.in_c;
  return kDepthwiseParts * (s.w_size() > image ? s.w_size() : image);
}

// dw overwritten or added to; workspace: kDepthwiseParts * s.w_size() floats.
void depthwise_backward_filter(const Conv2dShape& s, const float* x, const float* dy, float* dw, bool accumulate,
                               float* workspace);

}  // namespace simdtrain

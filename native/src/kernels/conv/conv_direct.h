// Direct convolution of one output row (no im2col): the per-ISA half of
// conv2d's direct path (conv2d.cc decides when to use it). NHWC input already
// padded, filter [kh, kw, cin, cout] with cout a multiple of the ISA's lanes.
//
//   y[ox, co] = act(bias[co] + sum_{i, j, ci} x[i*tap_row + j*tap_col + ox*px_stride + ci]
//                                            * w[((i*kw + j)*cin + ci)*cout + co])
//
// Register blocking: MR output pixels x NV vectors of output channels; each
// input value is broadcast once per block and each filter vector loaded once
// per MR pixels. Sums run in a fixed order (i, j, ci), so the bits do not
// depend on how rows are spread over threads.
#pragma once

#include <cstddef>

#include "../../simd/dispatch.h"

namespace simdtrain {

struct ConvDirectRow {
  const float* x;    // input element of tap (0, 0), pixel 0, channel 0
  size_t px_stride;  // floats between the inputs of consecutive output pixels
  size_t tap_row;    // floats between taps i and i + 1
  size_t tap_col;    // floats between taps j and j + 1
  size_t kh, kw, cin;
  const float* w;  // [kh, kw, cin, cout]
  size_t cout;     // multiple of lanes
  const float* bias;  // cout floats, or null
  bool relu;
  float* y;  // [ow, cout]
  size_t ow;
};

struct ConvDirectKernels {
  size_t lanes;
  void (*row)(const ConvDirectRow& r);
};

SIMDTRAIN_DECLARE_TABLES(ConvDirectKernels, kConvDirectKernels)

}  // namespace simdtrain

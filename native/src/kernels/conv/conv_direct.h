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
  bool accumulate;  // y += act(...) (each output's sum computed in full, then added at the store)
  float* y;  // [ow, cout]
  size_t ow;
};

// Filter gradient of rows [k0, k1) of dW ([K, cout], K = kh*kw*cin) over
// `count` padded images: dw[k, co] = sum over output pixels p (image, oy, ox
// in order) of x[base(p) + off[k]] * dy[p, co], base(p) = image*image_floats
// + oy*row_stride + ox*px_stride. Overwrites those rows.
struct ConvDirectWgrad {
  const float* x;
  size_t image_floats, row_stride, px_stride;
  size_t count, oh, ow;
  const size_t* off;  // K offsets: i*tap_row + j*tap_col + ci
  size_t k0, k1;
  const float* dy;  // [count*oh*ow, cout]
  size_t cout;      // multiple of lanes
  float* dw;        // [K, cout]
};

struct ConvDirectKernels {
  size_t lanes;
  void (*row)(const ConvDirectRow& r);
  void (*wgrad)(const ConvDirectWgrad& a);
};

SIMDTRAIN_DECLARE_TABLES(ConvDirectKernels, kConvDirectKernels)

}  // namespace simdtrain

// Direct convolution of output pixels (no im2col): the per-ISA half of
// conv2d's direct path (conv2d.cc decides when to use it). NHWC input already
// padded, filter [kh, kw, cin, cout] with cout a multiple of the ISA's lanes.
// Output pixel p = (image*oh + oy)*ow + ox reads x from
// base(p) = image*image_floats + oy*row_stride + ox*px_stride (and is stored
// with its own strides: a strided input gradient writes every other pixel):
//
//   y[p, co] = act(bias[co] + sum_{i, j, ci} x[base(p) + i*tap_row + j*tap_col + ci]
//                                            * w[((i*kw + j)*cin + ci)*cout + co])
//
// Register blocking: MR consecutive output pixels (across row and image
// ends, so narrow rows waste nothing) x NV vectors of output channels; each
// input value is broadcast once per block and each filter vector loaded once
// per MR pixels. Sums run in a fixed order (i, j, ci), so the bits do not
// depend on how pixels are spread over threads or blocks.
#pragma once

#include <cstddef>

#include "../../simd/dispatch.h"

namespace simdtrain {

struct ConvDirectPixels {
  const float* x;      // input element of tap (0, 0), pixel 0, channel 0
  size_t image_floats;  // floats between images
  size_t row_stride;   // floats between the inputs of consecutive output rows
  size_t px_stride;    // floats between the inputs of consecutive output pixels
  size_t oh, ow;       // output rows and pixels per row of an image
  size_t tap_row;      // floats between taps i and i + 1
  size_t tap_col;      // floats between taps j and j + 1
  size_t kh, kw, cin;
  const float* w;     // [kh, kw, cin, cout]
  size_t cout;        // multiple of lanes
  const float* bias;  // cout floats, or null
  bool relu;
  bool accumulate;  // y += act(...) (each output's sum computed in full, then added at the store)
  float* y;  // output pixel 0, channel 0; pixel p at y + image*y_image + oy*y_row + ox*y_px
  size_t y_image, y_row, y_px;
  size_t p0, p1;  // the output pixels to compute
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
  void (*pixels)(const ConvDirectPixels& a);
  void (*wgrad)(const ConvDirectWgrad& a);
};

SIMDTRAIN_DECLARE_TABLES(ConvDirectKernels, kConvDirectKernels)

}  // namespace simdtrain

// 2-D convolution, forward and backward, on NHWC activations.
//
//   x   [batch, in_h, in_w, in_c]                      input
//   w   [kh, kw, in_c / groups, out_c]  (row-major)    filter
//   b   [out_c]                                        bias (optional)
//   y   [batch, out_h, out_w, out_c]                   output
//
// Filter layout: w[((i*kw + j)*cin_g + ci)*out_c + co], cin_g = in_c / groups;
// output channel co belongs to group co / (out_c / groups) and reads input
// channels g*cin_g .. (g+1)*cin_g - 1. Read as a matrix it is
// [kh*kw*cin_g, out_c] row-major, so the forward pass is X_col · W with no
// transpose. It is tfjs's conv2d filter [kh, kw, in, out] (groups = 1) and
// tfjs's depthwise filter [kh, kw, in, multiplier] (groups = in_c, out_c =
// in_c * multiplier: co = c * multiplier + m). PyTorch's [out, in/g, kh, kw]
// is a permutation of it (the TS layer converts for checkpoints).
//
//   out_h = (in_h + pad_top + pad_bottom - dil_h*(kh - 1) - 1) / stride_h + 1
//   out_w = (in_w + pad_left + pad_right - dil_w*(kw - 1) - 1) / stride_w + 1
//
// Every function needs conv2d_check(shape) == nullptr and a workspace of at
// least conv2d_workspace_floats(shape) floats (the caller owns the memory; it
// may be null when that size is 0). Buffers must not overlap each other or
// the workspace. Results do not depend on the thread count unless noted.
#pragma once

#include <cstddef>

#include "../gemm/gemm.h"

namespace simdtrain {

struct Conv2dShape {
  size_t batch = 0, in_h = 0, in_w = 0, in_c = 0;
  size_t out_c = 0;
  size_t kh = 1, kw = 1;
  size_t stride_h = 1, stride_w = 1;
  size_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  size_t dil_h = 1, dil_w = 1;
  size_t groups = 1;
  // bf16: the GEMMs round their inputs to bf16 and sum in fp32 (im2col path
  // only: the direct and Winograd paths are fp32; depthwise stays fp32).
  Precision precision = Precision::fp32;

  size_t out_h() const;  // 0 when the dilated kernel is larger than the padded input
  size_t out_w() const;
  size_t x_size() const { return batch * in_h * in_w * in_c; }
  size_t y_size() const { return batch * out_h() * out_w() * out_c; }
  size_t w_size() const { return kh * kw * (groups ? in_c / groups : 0) * out_c; }
};

// nullptr when the shape is usable, else a message naming the first bad field
// (zero sizes, strides or dilations; channels not divisible by groups; a
// kernel larger than the padded input; sizes whose products overflow).
// batch may be 0 (every pass then does nothing but zero/keep its outputs).
const char* conv2d_check(const Conv2dShape& s);

// 'same' padding as TensorFlow computes it for one dimension: total padding
// max((ceil(in / stride) - 1) * stride + dil*(k - 1) + 1 - in, 0), the odd
// extra pixel after (bottom / right).
void conv2d_same_padding(size_t in, size_t k, size_t stride, size_t dil, size_t* before, size_t* after);

// Floats of workspace any of the three passes needs (the im2col buffer, the
// batch processed in chunks so it stays bounded). 0 for shapes that need none
// (e.g. 1x1 stride-1 unpadded convolutions read x in place).
size_t conv2d_workspace_floats(const Conv2dShape& s);

// Output blocks (the graph's Conv2D + BatchNorm statistics): fn(ctx, r0, r1)
// runs once for each block [r0, r1) of `rows` output rows (a row = one
// output pixel's channels, rows numbered n*out_h*out_w + oy*out_w + ox; the
// last block may be shorter) once that block's final values are stored. The
// Winograd passes call it right after the chunk of tiles that completes the
// block (still in cache; blocks whose tiles two thread ranges share, after
// the pass), the other paths after the pass. From any thread, in no fixed
// order; the pass's results do not change.
struct ConvRowBlocks {
  size_t rows;
  void (*fn)(void* ctx, size_t r0, size_t r1);
  void* ctx;
};

// y = act(conv(x, w) + b). bias may be null. act: none or relu (fused into the
// GEMM's store). blocks: see ConvRowBlocks (null: none).
void conv2d_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
                    float* workspace, const ConvRowBlocks* blocks = nullptr);

// Backward from dy = dL/d(pre-activation output): the caller applies the
// activation's backward (e.g. nn_act_backward with relu) to dL/dy first.
//   dx = dL/dx (overwritten, or added to when `add_dx`: every path computes
//        each element's sum in full, then adds it to dx, the bits of adding
//        the overwritten result to dx afterwards), may be null (first
//        layer: not needed)
//   dw = dL/dw, db = dL/db (may be null): overwritten, or added to when
//        `accumulate` is true (gradient accumulation across calls)
// dw and db may be null to skip them (frozen layer).
// dy_blocks: dy written block by block on demand (the graph's BatchNorm ->
// Conv2D backward): fn(ctx, r0, r1) runs once for each block of dy's rows
// (as ConvRowBlocks numbers the output's) and must write those rows; the
// Winograd filter gradient calls it for the rows of each chunk of tiles
// just before reading them (blocks two thread ranges share, before the
// pass), the other paths (and any pass with db) for every block first.
// Null: dy is written already.
void conv2d_backward(const Conv2dShape& s, const float* x, const float* w, const float* dy, float* dx, float* dw,
                     float* db, bool accumulate, float* workspace, bool add_dx = false,
                     const ConvRowBlocks* dy_blocks = nullptr);

// The two halves of conv2d_backward, for callers that need only one (tfjs's
// Conv2DBackpropInput / Conv2DBackpropFilter).
// blocks: over dx's rows (n*in_h*in_w + y*in_w + x), see ConvRowBlocks.
void conv2d_backward_input(const Conv2dShape& s, const float* w, const float* dy, float* dx, float* workspace,
                           bool add_dx = false, const ConvRowBlocks* blocks = nullptr);
void conv2d_backward_filter(const Conv2dShape& s, const float* x, const float* dy, float* dw, float* db,
                            bool accumulate, float* workspace, const ConvRowBlocks* dy_blocks = nullptr);

// Input pre-op: a BatchNorm + ReLU folded into the convolution's input
// load (the graph's BatchNorm+ReLU+Conv2D fusion): the convolution reads
// relu((x - shift[ch]) * scale[ch] + bias[ch]) (sub, mul, add: the
// BatchNorm + ReLU kernel's float operations, so the same bits as storing
// that and convolving it) where x is inside the input; padding stays 0.
// Only the Winograd forward and filter gradient take it: usable where
// conv2d_input_affine_ok (both passes pick Winograd now); the two calls
// throw std::logic_error elsewhere.
struct ConvInputAffine {
  const float* shift;
  const float* scale;
  const float* bias;
};
bool conv2d_input_affine_ok(const Conv2dShape& s);
void conv2d_forward_affine(const Conv2dShape& s, const float* x, const ConvInputAffine& pre, const float* w,
                           const float* bias, Activation act, float* y, float* workspace,
                           const ConvRowBlocks* blocks = nullptr);
void conv2d_backward_filter_affine(const Conv2dShape& s, const float* x, const ConvInputAffine& pre, const float* dy,
                                   float* dw, float* db, bool accumulate, float* workspace,
                                   const ConvRowBlocks* dy_blocks = nullptr);

// Which algorithm a pass of a shape runs (conv2d.cc says how it chooses).
enum class ConvAlgo { automatic, im2col, direct, winograd, depthwise };
ConvAlgo conv2d_forward_algorithm(const Conv2dShape& s);
ConvAlgo conv2d_input_algorithm(const Conv2dShape& s);
ConvAlgo conv2d_filter_algorithm(const Conv2dShape& s);
// Tests and benchmarks: prefer `algo` (im2col, direct or winograd) wherever
// it applies; automatic restores the measured choice. Process-wide.
void conv2d_force_algorithm(ConvAlgo algo);

// Plain loops (double accumulation, no GEMM, no threads): the reference the
// tests compare the fast paths against. Same semantics and layouts.
void conv2d_forward_reference(const Conv2dShape& s, const float* x, const float* w, const float* bias, Activation act,
                              float* y);
void conv2d_backward_reference(const Conv2dShape& s, const float* x, const float* w, const float* dy, float* dx,
                               float* dw, float* db, bool accumulate);

}  // namespace simdtrain

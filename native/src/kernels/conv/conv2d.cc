// conv2d.h's entry points: each pass of each shape goes to one algorithm.
//   depthwise (groups == in_c)                     conv_depthwise.h
//   Winograd F(4x4, 3x3) (F(2x2, 3x3) for outputs   conv_winograd_path.h
//     under 4x4): 3x3, stride 1, ungrouped,
//     channels filling whole vectors
//   direct register-blocked pixels                 conv_direct_path.h
//   im2col + packed SGEMM: everything else         conv_im2col.h
// The order is what bench/conv.bench.js measured fastest on the layers of
// mnist_convnet and ResNet-20 where more than one applies.
#include "conv2d.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>

#include "../../core/thread_pool.h"
#include "../nn/nn_ops.h"
#include "conv_depthwise.h"
#include "conv_direct_path.h"
#include "conv_im2col.h"
#include "conv_winograd_path.h"

namespace simdtrain {
namespace {

std::atomic<ConvAlgo> g_forced{ConvAlgo::automatic};

// The algorithm a pass runs: the forced one where it applies, else the first
// of Winograd, direct (where it applies and is preferred), im2col.
template <class WinogradOk, class DirectOk>
ConvAlgo pick(const Conv2dShape& s, WinogradOk&& winograd_ok, DirectOk&& direct_ok, bool direct_preferred = true) {
  const ConvAlgo forced = g_forced.load(std::memory_order_relaxed);
  if (forced == ConvAlgo::im2col || s.precision == Precision::bf16) return ConvAlgo::im2col;
  if (forced == ConvAlgo::direct && direct_ok(s)) return ConvAlgo::direct;
  if (forced != ConvAlgo::direct && winograd_ok(s)) return ConvAlgo::winograd;
  if (direct_ok(s) && (direct_preferred || forced == ConvAlgo::direct)) return ConvAlgo::direct;
  return ConvAlgo::im2col;
}

// Direct filter gradients beat im2col + GEMM on AVX-512 (Zen 5) for every
// k x k layer measured; with vectors of 8 or fewer lanes (AVX2 on Zen 3) for
// first layers with fewer input channels than lanes (1-3 channels: 19-23 vs
// 3-4 GFLOPS) and, since the kernel walks the pixels in L1-sized chunks, for
// strided layers (ResNet-20's 3x3 stride 2: 56-69 vs 45-54 GFLOPS; its 1x1
// stride-2 shortcuts: 28-54 vs 25-47). Stride-1 shapes that reach here
// (dilated, odd channels) keep the GEMM: not measured.
bool direct_filter_preferred(const Conv2dShape& s) {
  return direct_lanes() >= 16 || s.in_c < direct_lanes() || s.stride_h > 1 || s.stride_w > 1;
}

// Strided input gradients run direct (class by class of dx pixels, no col2im)
// where the filter is k x k: ResNet-20's 3x3 stride 2, 51-79 vs 42-69 GFLOPS
// (Zen 3 AVX2). Strided 1x1 ones keep im2col (a GEMM and a strided scatter:
// equal within noise, 24-54 vs 27-56).
// The paths without their own hand-over: every block after the pass.
void conv_row_blocks_after(const ConvRowBlocks& b, size_t rows) {
  if (!b.rows) return;
  parallel_for((rows + b.rows - 1) / b.rows, 64, [&](size_t b0, size_t b1) {
    for (size_t k = b0; k < b1; ++k) b.fn(b.ctx, k * b.rows, std::min(rows, (k + 1) * b.rows));
  });
}

bool direct_input_preferred(const Conv2dShape& s) { return (s.stride_h == 1 && s.stride_w == 1) || s.kh * s.kw > 1; }

}  // namespace

void conv2d_force_algorithm(ConvAlgo algo) { g_forced.store(algo, std::memory_order_relaxed); }

ConvAlgo conv2d_forward_algorithm(const Conv2dShape& s) {
  return conv2d_is_depthwise(s) ? ConvAlgo::depthwise : pick(s, winograd_forward_ok, direct_forward_ok);
}
ConvAlgo conv2d_input_algorithm(const Conv2dShape& s) {
  return conv2d_is_depthwise(s) ? ConvAlgo::depthwise
                                 : pick(s, winograd_input_ok, direct_input_ok, direct_input_preferred(s));
}
ConvAlgo conv2d_filter_algorithm(const Conv2dShape& s) {
  return conv2d_is_depthwise(s) ? ConvAlgo::depthwise
                                 : pick(s, winograd_filter_ok, direct_filter_ok, direct_filter_preferred(s));
}

// The largest need of any path any ISA may take for this shape.
size_t conv2d_workspace_floats(const Conv2dShape& s) {
  if (!s.batch) return 0;
  const size_t depthwise = conv2d_is_depthwise(s) ? depthwise_workspace_floats(s) : 0;
  return std::max({depthwise, im2col_workspace_floats(s), direct_workspace_floats(s), winograd_workspace_floats(s)});
}

void conv2d_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
                    float* workspace, const ConvRowBlocks* blocks) {
  switch (conv2d_forward_algorithm(s)) {
    case ConvAlgo::depthwise: depthwise_forward(s, x, w, bias, act, y); break;
    case ConvAlgo::winograd: return winograd_forward(s, x, w, bias, act, y, workspace, nullptr, blocks);
    case ConvAlgo::direct: direct_forward(s, x, w, bias, act, y, workspace); break;
    default: im2col_forward(s, x, w, bias, act, y, workspace);
  }
  if (blocks) conv_row_blocks_after(*blocks, s.batch * s.out_h() * s.out_w());
}

void conv2d_backward_input(const Conv2dShape& s, const float* w, const float* dy, float* dx, float* workspace,
                           bool add_dx, const ConvRowBlocks* blocks) {
  switch (conv2d_input_algorithm(s)) {
    case ConvAlgo::depthwise: depthwise_backward_input(s, w, dy, dx, add_dx, workspace); break;
    case ConvAlgo::winograd: return winograd_backward_input(s, w, dy, dx, workspace, add_dx, blocks);
    case ConvAlgo::direct: direct_backward_input(s, w, dy, dx, workspace, add_dx); break;
    default: im2col_backward_input(s, w, dy, dx, workspace, add_dx);
  }
  if (blocks) conv_row_blocks_after(*blocks, s.batch * s.in_h * s.in_w);
}

void conv2d_backward_filter(const Conv2dShape& s, const float* x, const float* dy, float* dw, float* db,
                            bool accumulate, float* workspace, const ConvRowBlocks* dy_blocks) {
  const bool winograd = dw && s.batch && !db && conv2d_filter_algorithm(s) == ConvAlgo::winograd;
  if (dy_blocks && !winograd) conv_row_blocks_after(*dy_blocks, s.batch * s.out_h() * s.out_w()), dy_blocks = nullptr;
  if (db) nn_col_sums(s.batch * s.out_h() * s.out_w(), s.out_c, dy, db, accumulate);
  if (!dw) return;
  if (!s.batch) {
    if (!accumulate) std::memset(dw, 0, s.w_size() * sizeof(float));
    return;
  }
  switch (conv2d_filter_algorithm(s)) {
    case ConvAlgo::depthwise: return depthwise_backward_filter(s, x, dy, dw, accumulate, workspace);
    case ConvAlgo::winograd: return winograd_backward_filter(s, x, dy, dw, accumulate, workspace, nullptr, dy_blocks);
    case ConvAlgo::direct: return direct_backward_filter(s, x, dy, dw, accumulate, workspace);
    default: return im2col_backward_filter(s, x, dy, dw, accumulate, workspace);
  }
}

bool conv2d_input_affine_ok(const Conv2dShape& s) {
  return conv2d_forward_algorithm(s) == ConvAlgo::winograd && conv2d_filter_algorithm(s) == ConvAlgo::winograd;
}

void conv2d_forward_affine(const Conv2dShape& s, const float* x, const ConvInputAffine& pre, const float* w,
                           const float* bias, Activation act, float* y, float* workspace, const ConvRowBlocks* blocks) {
  if (!conv2d_input_affine_ok(s)) throw std::logic_error("conv2d_forward_affine: the forward pass is not Winograd");
  winograd_forward(s, x, w, bias, act, y, workspace, &pre, blocks);
}

void conv2d_backward_filter_affine(const Conv2dShape& s, const float* x, const ConvInputAffine& pre, const float* dy,
                                   float* dw, float* db, bool accumulate, float* workspace,
                                   const ConvRowBlocks* dy_blocks) {
  if (!conv2d_input_affine_ok(s)) throw std::logic_error("conv2d_backward_filter_affine: the filter gradient is not Winograd");
  if (dy_blocks && (db || !dw || !s.batch)) conv_row_blocks_after(*dy_blocks, s.batch * s.out_h() * s.out_w()), dy_blocks = nullptr;
  if (db) nn_col_sums(s.batch * s.out_h() * s.out_w(), s.out_c, dy, db, accumulate);
  if (dw) winograd_backward_filter(s, x, dy, dw, accumulate, workspace, &pre, dy_blocks);
}

void conv2d_backward(const Conv2dShape& s, const float* x, const float* w, const float* dy, float* dx, float* dw,
                     float* db, bool accumulate, float* workspace, bool add_dx, const ConvRowBlocks* dy_blocks) {
  // Filter gradient first: its im2col of x is dead once dgrad reuses the buffer.
  conv2d_backward_filter(s, x, dy, dw, db, accumulate, workspace, dy_blocks);
  if (dx) conv2d_backward_input(s, w, dy, dx, workspace, add_dx);
}

}  // namespace simdtrain

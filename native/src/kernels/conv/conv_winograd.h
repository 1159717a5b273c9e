// Winograd F(2x2, 3x3) and F(4x4, 3x3) convolution (Lavin & Gray 2016): the
// per-ISA half of conv2d's Winograd path (conv_winograd_path.cc decides when
// to use it, which tile, and transforms the filters). 3x3 filters, stride 1,
// no dilation, one group, NHWC, channels multiples of the ISA's lanes.
//
// The output is cut into m x m tiles (m = 2 or 4); tile t reads the
// (m+2)x(m+2) input window at (m*ty - pad_top, m*tx - pad_left) (zero
// outside the input) and
//   forward   Y_t = A^T [ Σ_ci U[.][ci][co] ⊙ V_t[.][ci] ] A,  V_t = B^T d_t B
//   filter    dU[.][ci][co] = Σ_t V_t[.][ci] ⊙ dM_t[.][co],    dM_t = A dY_t A^T
// with U = G g G^T the transformed filter ((m+2)² matrices [c][cout]) and the
// filter gradient dg = G^T dU G (done by the caller). F(2x2, 3x3): 16
// multiplications per 2x2 outputs instead of 36,
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
//   G   = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]
//   A^T = [1 1 1 0; 0 1 -1 -1]
// F(4x4, 3x3): below (WinogradForward).
// Tiles are processed in chunks whose transformed inputs and products stay
// in cache; every tile's sums run in a fixed order, so the bits depend on
// neither the chunking nor the threads.
#pragma once

#include <cstddef>

#include "../../simd/dispatch.h"

namespace simdtrain {

constexpr size_t kWinogradTaps = 16;     // F(2x2, 3x3): 4x4 transformed window
constexpr size_t kWinogradTaps4 = 36;    // F(4x4, 3x3): 6x6 transformed window

// Geometry of the tiles of `count` images.
struct WinogradTiles {
  const float* x;  // [count, h, w, c]
  size_t h, w, c;
  long pad_top, pad_left;  // input pixels before the first tile's window (may be < 0)
  size_t oh, ow;           // output size (tiles: ceil(oh/m) x ceil(ow/m) per image)
  size_t m = 2;            // output tile size: 2 (F(2x2, 3x3)) or 4 (F(4x4, 3x3))
  // Input pre-op (a BatchNorm + ReLU folded into the load, conv2d.h's
  // ConvInputAffine): each value inside the input becomes relu((v -
  // shift[ch]) * scale[ch] + bias[ch]) (sub, mul, add, no fma: the
  // BatchNorm + ReLU kernel's operations); padding stays 0. Null: none.
  const float* pre_shift = nullptr;
  const float* pre_scale = nullptr;
  const float* pre_bias = nullptr;
  size_t th() const { return (oh + m - 1) / m; }
  size_t tw() const { return (ow + m - 1) / m; }
  size_t per_image() const { return th() * tw(); }
  size_t taps() const { return (m + 2) * (m + 2); }
};

// y[n, oy, ox, co] = act(bias[co] + conv) (or y += that when accumulate) for the output tiles [t0, t1) of
// the batch (tile index = (n*th + ty)*tw + tx), tiles of in.m x in.m outputs.
// F(4x4, 3x3) (Lavin & Gray's points 0, +-1, +-2):
//   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
//   G   = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
//   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
// 36 multiplications per 16 outputs instead of 144.
struct WinogradForward {
  WinogradTiles in;
  const float* u;  // [taps][c][cout]
  size_t cout;
  const float* bias;  // or null
  bool relu;
  bool accumulate;  // y += act(...) (the tile's values computed in full, then added to y at the store)
  float* y;  // [count, oh, ow, cout]
  size_t t0, t1;
  size_t chunk;  // tiles per chunk
  float* buf;    // chunk * taps * (c + cout) floats
};

// du[taps][c][cout] += Σ over tiles [t0, t1), in order, of V_t ⊙ dM_t; dy
// [count, oh, ow, cout] is the gradient of the forward's output.
struct WinogradFilter {
  WinogradTiles in;
  const float* dy;
  size_t cout;
  float* du;
  size_t t0, t1;
  size_t chunk;
  float* buf;  // chunk * 16 * (c + cout) floats
};

struct ConvWinogradKernels {
  size_t lanes;
  void (*forward)(const WinogradForward& a);
  void (*filter)(const WinogradFilter& a);
};

SIMDTRAIN_DECLARE_TABLES(ConvWinogradKernels, kConvWinogradKernels)

}  // namespace simdtrain

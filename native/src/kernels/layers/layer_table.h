// Per-ISA inner loops of the layer kernels (pooling, batch/layer
// normalization, BatchNorm / residual Add fused with ReLU, dropout): one table per ISA, written once over the SIMD
// abstraction in layer_kernels.isa.cc. The drivers (conv/pool2d.cc,
// norm/batchnorm.cc, norm/layernorm.cc, layers/dropout.cc) keep the
// threading and the reductions' order and call these on contiguous channel
// runs; the *_reference functions keep the plain scalar code the tests
// compare against. Not here, because the vector form measured slower than
// the plain loop the compiler vectorizes (bench/layers.bench.js): the
// embedding's row add (its forward pass is memcpy) and LayerNorm's forward
// normalization (the row statistics, double sums in a fixed order, dominate).
//
// Every function applies the same float operations in the same order as the
// reference (add, sub, mul, select; never a fused multiply-add), lane-wise
// over channels, so every ISA gives the reference's bits.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../../simd/dispatch.h"

namespace simdtrain {

struct LayerKernels {
  // ---- pooling over a window of pixels; pixel (i, j) of the window starts at
  // base + i * row_stride + j * c, and holds c channels.
  // out[ch] = max over the window in window order (a later value replaces the
  // running max when greater, or when it is NaN: PyTorch's rule). With `arg`,
  // arg[ch] = i * nx + j of the value kept (ny * nx < 2^32).
  void (*window_max)(const float* base, size_t row_stride, size_t ny, size_t nx, size_t c, float* out, uint32_t* arg);
  // The max-pool gradient of a window no other window overlaps (ny * nx <
  // 2^24): every pixel of the window at dbase (same layout as base) gets
  // dpx[ch] = 0 + g[ch] if it holds the value window_max keeps, else 0.
  void (*window_max_grad)(const float* base, float* dbase, size_t row_stride, size_t ny, size_t nx, size_t c,
                          const float* g);
  // out[ch] = (sum over the window in window order, from 0) * scale.
  void (*window_sum)(const float* base, size_t row_stride, size_t ny, size_t nx, size_t c, float scale, float* out);
  // Every pixel of the window: px[ch] += g[ch] * scale.
  void (*window_add)(float* base, size_t row_stride, size_t ny, size_t nx, size_t c, const float* g, float scale);
  // dst[p * c + ch] = g[ch] * scale for p < count.
  void (*broadcast_scale)(size_t count, size_t c, const float* g, float scale, float* dst);

  // ---- batch normalization over a block of `rows` rows of c channels
  // (row r at x + r * c); per-channel sums add the rows in order.
  // The block's moments, written: mean[ch] = (0 + x[0, ch] + x[1, ch] + ...) / rows
  // (rows added in order), and with d = x[r, ch] - mean[ch], dev[ch] = sum d
  // and sq[ch] = sum d * d (from 0, in row order).
  void (*block_moments)(size_t rows, size_t c, const float* x, float* mean, float* dev, float* sq);
  // acc_dy[ch] += dy[r, ch]; acc_dyx[ch] += dy[r, ch] * (x[r, ch] - mean[ch]) for each row
  void (*add_dy_dev)(size_t rows, size_t c, const float* x, const float* dy, const float* mean, float* acc_dy,
                     float* acc_dyx);
  // y[r, ch] = (x[r, ch] - shift[ch]) * scale[ch] + bias[ch]
  void (*affine)(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias, float* y);
  // dx[r, ch] = k1[ch] * ((dy[r, ch] - mean_dy[ch]) - (x[r, ch] - mean[ch]) * k2[ch])
  void (*bn_dx)(size_t rows, size_t c, const float* x, const float* dy, const float* mean, const float* k1,
                const float* k2, const float* mean_dy, float* dx);
  // BatchNorm + ReLU (the graph's fusion): affine then relu(v) (v if v > 0
  // or NaN, else +0); and add_dy_dev / bn_dx with dy first taken through
  // that ReLU, whose input v = (x - mean) * scale + bias they recompute from
  // x with the forward's scale and bias (dy where v > 0, else +0; the same
  // float operations as the forward, so the same mask as its output's). The
  // bits of the unfused BatchNorm and ReLU kernels.
  void (*affine_relu)(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias,
                      float* y);
  void (*add_dy_dev_relu)(size_t rows, size_t c, const float* x, const float* dy, const float* mean, const float* scale,
                          const float* bias, float* acc_dy, float* acc_dyx);
  void (*bn_dx_relu)(size_t rows, size_t c, const float* x, const float* dy, const float* mean, const float* scale,
                     const float* bias, const float* k1, const float* k2, const float* mean_dy, float* dx);
  // BatchNorm + residual Add + ReLU (the graph's fusion): y = relu(affine(x) +
  // skip), affine as above, the sum and relu as add_relu's; and add_dy_dev
  // with dy first taken through that ReLU given its output z (g = dy where
  // z > 0, else +0, relu_grad_split's), g also written to g_out (which may
  // be dy). The bits of the unfused BatchNorm, add_relu and relu_grad_split.
  void (*affine_add_relu)(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias,
                          const float* skip, float* y);
  void (*add_dy_dev_mask)(size_t rows, size_t c, const float* x, const float* z, const float* dy, const float* mean,
                          float* g_out, float* acc_dy, float* acc_dyx);

  // ---- residual Add + ReLU over n floats (the graph's fusion, add_relu.h).
  // y[i] = relu(a[i] + b[i])
  void (*add_relu)(size_t n, const float* a, const float* b, float* y);
  // g = relu'(z[i]) dy[i] written to da and db (either may be null; either may be dy).
  void (*relu_grad_split)(size_t n, const float* z, const float* dy, float* da, float* db);

  // ---- layer normalization, one row of n features
  // acc_dy[i] += dy[i]; acc_dyx[i] += dy[i] * ((x[i] - mean) * rstd)
  void (*ln_param_grads)(size_t n, const float* x, const float* dy, float mean, float rstd, float* acc_dy, float* acc_dyx);
  // g = dy[i] * (gamma ? gamma[i] : 1); dx[i] = rstd * ((g - mg) - ((x[i] - mean) * rstd) * mgx)
  void (*ln_dx)(size_t n, const float* x, const float* dy, const float* gamma, float mean, float rstd, float mg, float mgx,
                float* dx);

  // ---- dropout: out[i] = u[i] >= p ? in[i] * scale : 0
  void (*dropout_apply)(size_t n, const float* u, const float* in, float p, float scale, float* out);
};

SIMDTRAIN_DECLARE_TABLES(LayerKernels, kLayerKernels)

}  // namespace simdtrain

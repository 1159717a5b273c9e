// The row operations of the normalization drivers (batchnorm.cc,
// layernorm.cc), in two forms with the same arguments and bits: PlainRowOps,
// the scalar loops (the reference, *_reference in batchnorm.h /
// layernorm.h), and TableRowOps, the active ISA's vector kernels
// (kernels/layers/layer_table.h). The drivers are templates over the two, so
// the reference and the fast path share their threading and reduction order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "../layers/layer_table.h"

namespace simdtrain {
namespace norm_detail {

struct PlainRowOps {
  void block_moments(size_t rows, size_t c, const float* x, float* mean, float* dev, float* sq) const {
    std::vector<float> s(c, 0.0f), e(c, 0.0f), q(c, 0.0f);
    for (size_t r = 0; r < rows; ++r)
      for (size_t i = 0; i < c; ++i) s[i] += x[r * c + i];
    for (size_t i = 0; i < c; ++i) mean[i] = s[i] / static_cast<float>(rows);
    for (size_t r = 0; r < rows; ++r)
      for (size_t i = 0; i < c; ++i) {
        const float d = x[r * c + i] - mean[i];
        e[i] += d;
        q[i] += d * d;
      }
    std::copy(e.begin(), e.end(), dev);
    std::copy(q.begin(), q.end(), sq);
  }
  // relu(v): v if v > 0 or NaN, else +0 (the activation kernels' ReLU). The
  // *_relu forms take dy through the fused ReLU first: dy where its input
  // (x - mean) * scale + bias, recomputed as the forward computed it, is > 0,
  // else +0 (the BatchNorm + ReLU fusion, with the unfused bits).
  static float relu(float v) { return v != v ? v : (v > 0.0f ? v : 0.0f); }
  static float grad_at(float d, float dy, const float* scale, const float* bias, size_t i) {
    return !scale || d * scale[i] + bias[i] > 0.0f ? dy : 0.0f;
  }
  void add_dy_dev_relu(size_t rows, size_t c, const float* x, const float* dy, const float* mean, const float* scale,
                       const float* bias, float* acc_dy, float* acc_dyx) const {
    for (size_t r = 0; r < rows; ++r)
      for (size_t i = 0; i < c; ++i) {
        const float d = x[r * c + i] - mean[i];
        const float g = grad_at(d, dy[r * c + i], scale, bias, i);
        acc_dy[i] += g;
        acc_dyx[i] += g * d;
      }
  }
  void add_dy_dev(size_t rows, size_t c, const float* x, const float* dy, const float* mean, float* acc_dy,
                  float* acc_dyx) const {
    add_dy_dev_relu(rows, c, x, dy, mean, nullptr, nullptr, acc_dy, acc_dyx);
  }
  void affine_relu(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias,
                   float* y) const {
    affine(rows, c, x, shift, scale, bias, y);
    for (size_t i = 0; i < rows * c; ++i) y[i] = relu(y[i]);
  }
  void affine(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias,
              float* y) const {
    for (size_t r = 0; r < rows; ++r)
      for (size_t i = 0; i < c; ++i) y[r * c + i] = (x[r * c + i] - shift[i]) * scale[i] + bias[i];
  }
  // The BatchNorm + Add + ReLU fusion: relu(affine(x) + skip); and add_dy_dev
  // of g = dy where the output z > 0 (else +0), g also stored (g_out may be dy).
  void affine_add_relu(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias,
                       const float* skip, float* y) const {
    affine(rows, c, x, shift, scale, bias, y);
    for (size_t i = 0; i < rows * c; ++i) y[i] = relu(y[i] + skip[i]);
  }
  void add_dy_dev_mask(size_t rows, size_t c, const float* x, const float* z, const float* dy, const float* mean,
                       float* g_out, float* acc_dy, float* acc_dyx) const {
    for (size_t i = 0; i < rows * c; ++i) g_out[i] = z[i] > 0.0f ? dy[i] : 0.0f;
    add_dy_dev(rows, c, x, g_out, mean, acc_dy, acc_dyx);
  }
  void bn_dx_relu(size_t rows, size_t c, const float* x, const float* dy, const float* mean, const float* scale,
                  const float* bias, const float* k1, const float* k2, const float* mean_dy, float* dx) const {
    for (size_t r = 0; r < rows; ++r)
      for (size_t i = 0; i < c; ++i) {
        const float d = x[r * c + i] - mean[i];
        dx[r * c + i] = k1[i] * (grad_at(d, dy[r * c + i], scale, bias, i) - mean_dy[i] - d * k2[i]);
      }
  }
  void bn_dx(size_t rows, size_t c, const float* x, const float* dy, const float* mean, const float* k1, const float* k2,
             const float* mean_dy, float* dx) const {
    bn_dx_relu(rows, c, x, dy, mean, nullptr, nullptr, k1, k2, mean_dy, dx);
  }
  void ln_forward(size_t n, const float* x, float mean, float rstd, const float* gamma, const float* beta, float* y) const {
    for (size_t i = 0; i < n; ++i) {
      const float xhat = (x[i] - mean) * rstd;
      y[i] = (gamma ? xhat * gamma[i] : xhat) + (beta ? beta[i] : 0.0f);
    }
  }
  void ln_param_grads(size_t n, const float* x, const float* dy, float mean, float rstd, float* acc_dy,
                      float* acc_dyx) const {
    for (size_t i = 0; i < n; ++i) {
      acc_dy[i] += dy[i];
      acc_dyx[i] += dy[i] * ((x[i] - mean) * rstd);
    }
  }
  void ln_dx(size_t n, const float* x, const float* dy, const float* gamma, float mean, float rstd, float mg, float mgx,
             float* dx) const {
    for (size_t i = 0; i < n; ++i) {
      const float g = dy[i] * (gamma ? gamma[i] : 1.0f);
      dx[i] = rstd * (g - mg - (x[i] - mean) * rstd * mgx);
    }
  }
};

// Forwards to the table of the active ISA (picked once per driver call).
struct TableRowOps {
  const LayerKernels& k = SIMDTRAIN_PICK(kLayerKernels);
  void block_moments(size_t rows, size_t c, const float* x, float* mean, float* dev, float* sq) const {
    k.block_moments(rows, c, x, mean, dev, sq);
  }
  void add_dy_dev(size_t rows, size_t c, const float* x, const float* dy, const float* mean, float* acc_dy,
                  float* acc_dyx) const {
    k.add_dy_dev(rows, c, x, dy, mean, acc_dy, acc_dyx);
  }
  void affine(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias,
              float* y) const {
    k.affine(rows, c, x, shift, scale, bias, y);
  }
  void bn_dx(size_t rows, size_t c, const float* x, const float* dy, const float* mean, const float* k1, const float* k2,
             const float* mean_dy, float* dx) const {
    k.bn_dx(rows, c, x, dy, mean, k1, k2, mean_dy, dx);
  }
  void affine_relu(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias,
                   float* y) const {
    k.affine_relu(rows, c, x, shift, scale, bias, y);
  }
  void add_dy_dev_relu(size_t rows, size_t c, const float* x, const float* dy, const float* mean, const float* scale,
                       const float* bias, float* acc_dy, float* acc_dyx) const {
    k.add_dy_dev_relu(rows, c, x, dy, mean, scale, bias, acc_dy, acc_dyx);
  }
  void bn_dx_relu(size_t rows, size_t c, const float* x, const float* dy, const float* mean, const float* scale,
                  const float* bias, const float* k1, const float* k2, const float* mean_dy, float* dx) const {
    k.bn_dx_relu(rows, c, x, dy, mean, scale, bias, k1, k2, mean_dy, dx);
  }
  void affine_add_relu(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias,
                       const float* skip, float* y) const {
    k.affine_add_relu(rows, c, x, shift, scale, bias, skip, y);
  }
  void add_dy_dev_mask(size_t rows, size_t c, const float* x, const float* z, const float* dy, const float* mean,
                       float* g_out, float* acc_dy, float* acc_dyx) const {
    k.add_dy_dev_mask(rows, c, x, z, dy, mean, g_out, acc_dy, acc_dyx);
  }
  // LayerNorm's forward normalization stays the plain loop (layer_table.h says why).
  void ln_forward(size_t n, const float* x, float mean, float rstd, const float* gamma, const float* beta, float* y) const {
    PlainRowOps{}.ln_forward(n, x, mean, rstd, gamma, beta, y);
  }
  void ln_param_grads(size_t n, const float* x, const float* dy, float mean, float rstd, float* acc_dy,
                      float* acc_dyx) const {
    k.ln_param_grads(n, x, dy, mean, rstd, acc_dy, acc_dyx);
  }
  void ln_dx(size_t n, const float* x, const float* dy, const float* gamma, float mean, float rstd, float mg, float mgx,
             float* dx) const {
    k.ln_dx(n, x, dy, gamma, mean, rstd, mg, mgx, dx);
  }
};

}  // namespace norm_detail
}  // namespace simdtrain

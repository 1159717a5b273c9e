// Neural-network layer and loss kernels: one table per ISA.
//
// Matrices are row-major and contiguous (row stride = cols). "rows" is the
// batch, "cols" the features. Activation codes (ActCode) are shared with the
// TypeScript side (lib/nn/activations.ts).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../../simd/dispatch.h"

namespace simdtrain {

enum ActCode : int { kActLinear = 0, kActRelu, kActLeakyRelu, kActSigmoid, kActTanh, kActGelu, kActSoftmax, kActCount };

// Whether the activation's backward pass needs the pre-activation input
// (leakyRelu, gelu) rather than only its output.
constexpr bool act_needs_input(int act) { return act == kActLeakyRelu || act == kActGelu; }

struct NnActKernels {
  // y[r,j] = act(x[r,j] + bias[j]); bias may be null; y may be x. Softmax
  // normalizes each row. alpha is leakyRelu's negative slope.
  void (*bias_act)(size_t rows, size_t cols, const float* x, const float* bias, float* y, int act, float alpha);
  // dx = dy * act'(x) given the pre-activation x (may be null unless
  // act_needs_input) and the output y; dx may be dy. Softmax uses the row's
  // Jacobian: dx = y * (dy - sum(dy * y)).
  void (*act_backward)(size_t rows, size_t cols, const float* x, const float* y, const float* dy, float* dx, int act,
                       float alpha);
  // out[j] = (accumulate ? out[j] : 0) + sum_r x[r*ld + j], rows added in order.
  void (*col_sums)(size_t rows, size_t cols, size_t ld, const float* x, float* out, bool accumulate);
  // act_backward (element-wise activations, not softmax) on a block of cols
  // columns of rows x ld arrays, and sums[j] = (accumulate ? sums[j] : 0) +
  // sum_r dx[r*ld + j]: act_backward's and col_sums' bits in one pass.
  void (*act_backward_col_sums)(size_t rows, size_t cols, size_t ld, const float* x, const float* y, const float* dy,
                                float* dx, int act, float alpha, float* sums, bool accumulate);
  // True when every x[i] is finite (no NaN, no +-Inf).
  bool (*all_finite)(size_t n, const float* x);
};

struct NnLossKernels {
  // Softmax cross-entropy from logits against class labels, per row:
  // loss_r = logsumexp(z_r) - z_r[label_r]. Returns the sum over rows.
  // grad (may be null, may be logits) = scale * (softmax(z) - onehot).
  // Labels must be in [0, cols). *correct += rows whose first argmax is the label.
  double (*softmax_xent_labels)(size_t rows, size_t cols, const float* logits, const int32_t* labels, float scale,
                                float* grad, size_t* correct);
  // Same against target distributions t (rows x cols):
  // loss_r = sum_j t_j * (logsumexp(z_r) - z_j); grad = scale * (p * sum(t) - t).
  double (*softmax_xent_probs)(size_t rows, size_t cols, const float* logits, const float* targets, float scale,
                               float* grad);
  // Sum of (p - t)^2; grad (may be null, may be p) = 2 * scale * (p - t).
  double (*mse)(size_t n, const float* pred, const float* target, float scale, float* grad);
  // Binary cross-entropy from logits z: sum of max(z,0) - z*t + log1p(e^-|z|);
  // grad (may be null, may be z) = scale * (sigmoid(z) - t).
  double (*bce_logits)(size_t n, const float* logits, const float* target, float scale, float* grad);
};

SIMDTRAIN_DECLARE_TABLES(NnActKernels, kNnActKernels)
SIMDTRAIN_DECLARE_TABLES(NnLossKernels, kNnLossKernels)

}  // namespace simdtrain

// Layer normalization over the last dimension of a [rows, d] matrix:
//   y = gamma * (x - mean) * rstd + beta,  rstd = 1 / sqrt(var + eps)
// (biased variance, as PyTorch). Each row is independent; the gamma/beta
// gradients are column sums over fixed row blocks combined in order, so the
// bits do not depend on the thread count.
#pragma once

#include <cstddef>

namespace simdtrain {

// gamma / beta may be null (elementwise_affine = false). save_mean /
// save_rstd (rows floats each) may be null when no backward pass follows.
void layernorm_forward(size_t rows, size_t d, const float* x, const float* gamma, const float* beta, float eps,
                       float* save_mean, float* save_rstd, float* y);

// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * gamma.
// dgamma = sum over rows dy * xhat, dbeta = sum dy: overwritten or added to
// (`accumulate`); any of dx, dgamma, dbeta may be null.
void layernorm_backward(size_t rows, size_t d, const float* x, const float* dy, const float* gamma,
                        const float* save_mean, const float* save_rstd, float* dx, float* dgamma, float* dbeta,
                        bool accumulate);

// The same with plain scalar loops (the reference the per-ISA path is tested
// against, bit for bit).
void layernorm_forward_reference(size_t rows, size_t d, const float* x, const float* gamma, const float* beta, float eps,
                                 float* save_mean, float* save_rstd, float* y);
void layernorm_backward_reference(size_t rows, size_t d, const float* x, const float* dy, const float* gamma,
                                  const float* save_mean, const float* save_rstd, float* dx, float* dgamma,
                                  float* dbeta, bool accumulate);

}  // namespace simdtrain

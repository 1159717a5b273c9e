// Batch normalization over the rows of a [rows, c] matrix: NHWC activations
// with rows = batch*h*w (BatchNorm2d), or [batch, c] (BatchNorm1d).
//
// Training: per-channel batch mean and biased variance normalize x;
//   y = gamma * (x - mean) * invstd + beta,  invstd = 1 / sqrt(var + eps)
// and the running statistics move like PyTorch's:
//   running_mean = (1 - momentum) * running_mean + momentum * mean
//   running_var  = (1 - momentum) * running_var  + momentum * var * rows / (rows - 1)
// (unbiased variance; rows == 1 leaves running_var's update with the biased one,
// which is 0, as PyTorch would raise instead; the layer rejects batch 1.)
// Evaluation: the running statistics normalize instead.
//
// BatchNorm followed by ReLU (the graph's fusion, graph_fusion.h): with
// `relu_affine` (2c floats) the training forward writes relu(y) (y if y > 0
// or NaN, else +0) in the same pass and keeps there the per-channel scale
// (gamma * invstd) and bias (beta) it applied; given them, the backward
// takes dy through that ReLU first (dy where y, recomputed from x with the
// same float operations, is > 0; else +0). `relu` does the same for the
// evaluation forward. The bits of the unfused pair.
//
// Sums run over fixed blocks of rows, each block added row by row without
// fused multiply-add, blocks combined in order in double: the same bits on
// every ISA and for every thread count. The training forward reads x once
// for its statistics: each block's squared deviations from its own mean,
// combined across blocks in double (column_blocks.h), then once to normalize.
#pragma once

#include <cstddef>
#include <vector>

namespace simdtrain {

// gamma / beta may be null (affine = false: 1 and 0). running_mean /
// running_var may be null (track_running_stats = false). save_mean and
// save_invstd (c floats each) receive the batch statistics for the backward pass.
// y may be null with relu_affine (the statistics and the ReLU's affine
// only: the graph's BatchNorm+ReLU+Conv2D fusion applies it as the
// convolution loads its input).
void batchnorm_forward_train(size_t rows, size_t c, const float* x, const float* gamma, const float* beta, float eps,
                             float momentum, float* running_mean, float* running_var, float* save_mean,
                             float* save_invstd, float* y, float* relu_affine = nullptr);

// The training forward's statistics handed over block by block while
// another pass writes x (the graph's Conv2D + BatchNorm: conv2d.h's
// ConvRowBlocks with batchnorm_stats_block_rows() rows, each block read
// while it is still in cache): batchnorm_block_stats fills the part of
// `stats` (batchnorm_stats_floats(rows, c) floats) of the block [r0, r1)
// (r0 a multiple of the block rows, r1 = min(r0 + block rows, rows)) from x,
// the whole [rows, c] matrix. The *_handed forms take them (stats null:
// their own pass over x, as the plain forms). The forward's own pass runs
// the same kernel on the same blocks: the same bits.
size_t batchnorm_stats_block_rows();
size_t batchnorm_stats_floats(size_t rows, size_t c);
void batchnorm_block_stats(size_t c, const float* x, size_t r0, size_t r1, float* stats);
void batchnorm_forward_train_handed(size_t rows, size_t c, const float* x, const float* gamma, const float* beta,
                                    float eps, float momentum, float* running_mean, float* running_var, float* save_mean,
                                    float* save_invstd, float* y, float* relu_affine, const float* stats);
void batchnorm_add_relu_forward_train_handed(size_t rows, size_t c, const float* x, const float* skip, const float* gamma,
                                             const float* beta, float eps, float momentum, float* running_mean,
                                             float* running_var, float* save_mean, float* save_invstd, float* y,
                                             const float* stats);

void batchnorm_forward_eval(size_t rows, size_t c, const float* x, const float* gamma, const float* beta,
                            const float* running_mean, const float* running_var, float eps, float* y, bool relu = false);

// The evaluation forward's per-channel scale and bias (its shift is
// running_mean), and the BatchNorm + ReLU's normalize pass given an
// affine: y = relu((x - shift) * scale + bias), the fused kernels' bits.
void batchnorm_eval_affine(size_t c, const float* gamma, const float* beta, const float* running_var, float eps,
                           float* scale, float* bias);
void batchnorm_relu_apply(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias,
                          float* y);

// Training-mode backward (batch statistics from the forward pass):
//   dbeta  = sum dy,  dgamma = sum dy * xhat
//   dx     = gamma * invstd / rows * (rows * dy - dbeta - xhat * dgamma)
// dx may be null; dgamma / dbeta may be null (then not computed), else
// overwritten or added to (`accumulate`). gamma null means 1.
void batchnorm_backward(size_t rows, size_t c, const float* x, const float* dy, const float* gamma,
                        const float* save_mean, const float* save_invstd, float* dx, float* dgamma, float* dbeta,
                        bool accumulate, const float* relu_affine = nullptr);

// The backward's sums handed over the same way while another pass writes dy
// (the graph's BatchNorm + ReLU + Conv2D: the conv's input gradient, in
// blocks of batchnorm_stats_block_rows() rows): fills the part of `sums`
// (batchnorm_grad_sums_floats(rows, c) floats) of the block [r0, r1) from x
// and dy (whole matrices; relu_affine as batchnorm_backward's);
// batchnorm_backward_handed takes them (null: its own pass). The same
// kernel on the same blocks as batchnorm_backward's own pass: the same bits.
struct BatchNormDxPass;  // below
size_t batchnorm_grad_sums_floats(size_t rows, size_t c);
void batchnorm_block_grad_sums(size_t c, const float* x, const float* dy, const float* save_mean,
                               const float* relu_affine, size_t r0, size_t r1, float* sums);
void batchnorm_backward_handed(size_t rows, size_t c, const float* x, const float* dy, const float* gamma,
                               const float* save_mean, const float* save_invstd, float* dx, float* dgamma, float* dbeta,
                               bool accumulate, const float* relu_affine, const float* sums,
                               BatchNormDxPass* defer = nullptr);

// The backward's dx pass deferred (the graph's BatchNorm whose input a
// Conv2D writes: that conv's filter gradient writes each block of dx just
// before it reads it as its dy, conv2d.h's ConvRowBlocks): with `defer`,
// the backward does everything but that pass and describes it there (its
// pointers must stay valid until it has run); batchnorm_dx_rows writes dx
// rows [r0, r1). Element by element, the bits of the undeferred pass
// whatever the split.
struct BatchNormDxPass {
  size_t c = 0;
  const float* x = nullptr;
  const float* dy = nullptr;  // the Add + ReLU form: its masked gradient g
  const float* mean = nullptr;
  const float* relu_affine = nullptr;
  float* dx = nullptr;
  std::vector<float> k1, k2, mean_dy;
};
void batchnorm_add_relu_backward_deferred(size_t rows, size_t c, const float* x, const float* z, const float* dy,
                                          const float* gamma, const float* save_mean, const float* save_invstd,
                                          float* g, float* dx, float* dgamma, float* dbeta, bool accumulate,
                                          BatchNormDxPass* defer);
void batchnorm_dx_rows(const BatchNormDxPass& pass, size_t r0, size_t r1);
void batchnorm_dx_run(const BatchNormDxPass& pass, size_t rows);  // every row, split across threads

// BatchNorm followed by a residual Add and ReLU (the graph's fusion,
// graph_fusion.h): y = relu(batchnorm(x) + skip) in the normalize pass (the
// BatchNorm output is never stored). The backward takes dy through that
// ReLU given its output z (g = dy where z > 0, else +0) and writes g to `g`
// (the skip input's gradient; may be dy) in the sums pass; the dx pass reads
// g. The bits of BatchNorm, add_relu and relu_grad_split run one after the other.
void batchnorm_add_relu_forward_train(size_t rows, size_t c, const float* x, const float* skip, const float* gamma,
                                      const float* beta, float eps, float momentum, float* running_mean,
                                      float* running_var, float* save_mean, float* save_invstd, float* y);
void batchnorm_add_relu_forward_eval(size_t rows, size_t c, const float* x, const float* skip, const float* gamma,
                                     const float* beta, const float* running_mean, const float* running_var, float eps,
                                     float* y);
void batchnorm_add_relu_backward(size_t rows, size_t c, const float* x, const float* z, const float* dy,
                                 const float* gamma, const float* save_mean, const float* save_invstd, float* g,
                                 float* dx, float* dgamma, float* dbeta, bool accumulate);

// The same with plain scalar loops (the reference the per-ISA path is tested
// against, bit for bit).
void batchnorm_forward_train_reference(size_t rows, size_t c, const float* x, const float* gamma, const float* beta,
                                       float eps, float momentum, float* running_mean, float* running_var,
                                       float* save_mean, float* save_invstd, float* y, float* relu_affine = nullptr);
void batchnorm_forward_eval_reference(size_t rows, size_t c, const float* x, const float* gamma, const float* beta,
                                      const float* running_mean, const float* running_var, float eps, float* y,
                                      bool relu = false);
void batchnorm_backward_reference(size_t rows, size_t c, const float* x, const float* dy, const float* gamma,
                                  const float* save_mean, const float* save_invstd, float* dx, float* dgamma,
                                  float* dbeta, bool accumulate, const float* relu_affine = nullptr);
void batchnorm_add_relu_forward_train_reference(size_t rows, size_t c, const float* x, const float* skip,
                                                const float* gamma, const float* beta, float eps, float momentum,
                                                float* running_mean, float* running_var, float* save_mean,
                                                float* save_invstd, float* y);
void batchnorm_add_relu_forward_eval_reference(size_t rows, size_t c, const float* x, const float* skip,
                                               const float* gamma, const float* beta, const float* running_mean,
                                               const float* running_var, float eps, float* y);
void batchnorm_add_relu_backward_reference(size_t rows, size_t c, const float* x, const float* z, const float* dy,
                                           const float* gamma, const float* save_mean, const float* save_invstd,
                                           float* g, float* dx, float* dgamma, float* dbeta, bool accumulate);

}  // namespace simdtrain

// Batch normalization (batchnorm.h): statistics in one pass over the rows
// (column_block_moments), then one element-wise pass over rows split across
// threads; the backward's sums by column_block_sums. The drivers are
// templates over the row operations (norm_row_ops.h): the active ISA's
// vector kernels, or the plain loops of the *_reference functions; both
// give the same bits.
#include "batchnorm.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "../../core/thread_pool.h"
#include "column_blocks.h"
#include "norm_row_ops.h"

namespace simdtrain {
namespace {

using norm_detail::PlainRowOps;
using norm_detail::TableRowOps;

constexpr size_t kMinFloatsPerTask = 1 << 15;

size_t min_rows(size_t c) { return c ? kMinFloatsPerTask / c + 1 : 1; }

// y = (x - shift) * scale + bias per channel (then relu(y) with `relu`, or
// relu(y + skip) with `skip`), rows split across threads.
template <class Ops>
void affine_rows(const Ops& ops, size_t rows, size_t c, const float* x, const float* shift, const float* scale,
                 const float* bias, float* y, bool relu, const float* skip = nullptr) {
  parallel_for(rows, min_rows(c), [&](size_t b, size_t e) {
    if (skip) ops.affine_add_relu(e - b, c, x + b * c, shift, scale, bias, skip + b * c, y + b * c);
    else if (relu) ops.affine_relu(e - b, c, x + b * c, shift, scale, bias, y + b * c);
    else ops.affine(e - b, c, x + b * c, shift, scale, bias, y + b * c);
  });
}

template <class Ops>
void forward_train(const Ops& ops, size_t rows, size_t c, const float* x, const float* gamma, const float* beta, float eps,
                             float momentum, float* running_mean, float* running_var, float* save_mean,
                             float* save_invstd, float* y, float* relu_affine, const float* skip = nullptr,
                             const float* stats = nullptr) {
  const double n = static_cast<double>(rows);
  // One pass: per-block means and deviations from them (no cancellation
  // when |mean| >> std), combined in double; or those blocks' statistics handed over.
  const ColumnMoments mo = stats ? column_moments_of(rows, c, stats)
                                 : column_block_moments(rows, c, [&](size_t r0, size_t r1, float* acc) {
                                     ops.block_moments(r1 - r0, c, x + r0 * c, acc, acc + c, acc + 2 * c);
                                   });
  const std::vector<double>&sum = mo.sum, &sq = mo.sq;
  std::vector<float> mean(c), scale(c), bias(c);
  for (size_t ch = 0; ch < c; ++ch) mean[ch] = rows ? static_cast<float>(sum[ch] / n) : 0.0f;
  for (size_t ch = 0; ch < c; ++ch) {
    const double var = rows ? sq[ch] / n : 0.0;
    const float invstd = static_cast<float>(1.0 / std::sqrt(var + eps));
    save_mean[ch] = mean[ch];
    save_invstd[ch] = invstd;
    scale[ch] = (gamma ? gamma[ch] : 1.0f) * invstd;
    bias[ch] = beta ? beta[ch] : 0.0f;
    if (running_mean) running_mean[ch] = static_cast<float>((1.0 - momentum) * running_mean[ch] + momentum * (sum[ch] / (rows ? n : 1.0)));
    if (running_var) {
      const double unbiased = rows > 1 ? sq[ch] / (n - 1) : var;
      running_var[ch] = static_cast<float>((1.0 - momentum) * running_var[ch] + momentum * unbiased);
    }
  }
  if (relu_affine) {  // the fused ReLU's input affine, kept for the backward pass
    std::copy(scale.begin(), scale.end(), relu_affine);
    std::copy(bias.begin(), bias.end(), relu_affine + c);
  }
  if (y) affine_rows(ops, rows, c, x, mean.data(), scale.data(), bias.data(), y, relu_affine != nullptr, skip);
}

template <class Ops>
void forward_eval(const Ops& ops, size_t rows, size_t c, const float* x, const float* gamma, const float* beta,
                            const float* running_mean, const float* running_var, float eps, float* y, bool relu,
                            const float* skip = nullptr) {
  std::vector<float> scale(c), bias(c);
  batchnorm_eval_affine(c, gamma, beta, running_var, eps, scale.data(), bias.data());
  affine_rows(ops, rows, c, x, running_mean, scale.data(), bias.data(), y, relu, skip);
}

template <class Ops>
void backward(const Ops& ops, size_t rows, size_t c, const float* x, const float* dy, const float* gamma,
                        const float* save_mean, const float* save_invstd, float* dx, float* dgamma, float* dbeta,
                        bool accumulate, const float* relu_affine, const float* z = nullptr, float* g_out = nullptr,
                        const float* handed = nullptr, BatchNormDxPass* defer = nullptr) {
  // sums[ch] = sum dy, sums[c + ch] = sum dy * (x - mean); dy through the fused ReLU with relu_affine;
  // with z (the Add + ReLU fusion), through the ReLU whose output is z, stored in g_out, which the dx pass then reads
  const float* rs = relu_affine;
  const float* rb = relu_affine ? relu_affine + c : nullptr;
  // (or those blocks' sums handed over)
  const std::vector<double> sums = handed ? column_sums_of(rows, c, 2, handed)
                                          : column_block_sums(rows, c, 2, [&](size_t r0, size_t r1, float* acc) {
    if (z) ops.add_dy_dev_mask(r1 - r0, c, x + r0 * c, z + r0 * c, dy + r0 * c, save_mean, g_out + r0 * c, acc, acc + c);
    else if (rs) ops.add_dy_dev_relu(r1 - r0, c, x + r0 * c, dy + r0 * c, save_mean, rs, rb, acc, acc + c);
    else ops.add_dy_dev(r1 - r0, c, x + r0 * c, dy + r0 * c, save_mean, acc, acc + c);
  });
  const double n = rows ? static_cast<double>(rows) : 1.0;
  std::vector<float> k1(c), k2(c), mean_dy(c);
  for (size_t ch = 0; ch < c; ++ch) {
    const double invstd = save_invstd[ch];
    const double g = gamma ? gamma[ch] : 1.0;
    if (dbeta) dbeta[ch] = static_cast<float>(sums[ch] + (accumulate ? dbeta[ch] : 0.0));
    if (dgamma) dgamma[ch] = static_cast<float>(sums[c + ch] * invstd + (accumulate ? dgamma[ch] : 0.0));
    k1[ch] = static_cast<float>(g * invstd);
    k2[ch] = static_cast<float>(invstd * invstd * sums[c + ch] / n);
    mean_dy[ch] = static_cast<float>(sums[ch] / n);
  }
  if (!dx) return;
  if (z) dy = g_out;
  if (defer) {
    defer->c = c, defer->x = x, defer->dy = dy, defer->mean = save_mean, defer->relu_affine = relu_affine, defer->dx = dx;
    defer->k1 = std::move(k1), defer->k2 = std::move(k2), defer->mean_dy = std::move(mean_dy);
    return;
  }
  // dx = k1 * (dy - mean(dy) - (x - mean) * k2)
  parallel_for(rows, min_rows(c), [&](size_t b, size_t e) {
    if (rs) ops.bn_dx_relu(e - b, c, x + b * c, dy + b * c, save_mean, rs, rb, k1.data(), k2.data(), mean_dy.data(), dx + b * c);
    else ops.bn_dx(e - b, c, x + b * c, dy + b * c, save_mean, k1.data(), k2.data(), mean_dy.data(), dx + b * c);
  });
}

}  // namespace

size_t batchnorm_stats_block_rows() { return kColumnBlockRows; }
size_t batchnorm_stats_floats(size_t rows, size_t c) { return (rows + kColumnBlockRows - 1) / kColumnBlockRows * 3 * c; }
void batchnorm_block_stats(size_t c, const float* x, size_t r0, size_t r1, float* stats) {
  float* acc = stats + r0 / kColumnBlockRows * 3 * c;
  TableRowOps{}.block_moments(r1 - r0, c, x + r0 * c, acc, acc + c, acc + 2 * c);
}

size_t batchnorm_grad_sums_floats(size_t rows, size_t c) { return (rows + kColumnBlockRows - 1) / kColumnBlockRows * 2 * c; }
void batchnorm_block_grad_sums(size_t c, const float* x, const float* dy, const float* save_mean,
                               const float* relu_affine, size_t r0, size_t r1, float* sums) {
  float* acc = sums + r0 / kColumnBlockRows * 2 * c;
  std::fill(acc, acc + 2 * c, 0.0f);
  const TableRowOps ops;
  if (relu_affine) ops.add_dy_dev_relu(r1 - r0, c, x + r0 * c, dy + r0 * c, save_mean, relu_affine, relu_affine + c, acc, acc + c);
  else ops.add_dy_dev(r1 - r0, c, x + r0 * c, dy + r0 * c, save_mean, acc, acc + c);
}

void batchnorm_forward_train_handed(size_t rows, size_t c, const float* x, const float* gamma, const float* beta,
                                    float eps, float momentum, float* running_mean, float* running_var, float* save_mean,
                                    float* save_invstd, float* y, float* relu_affine, const float* stats) {
  forward_train(TableRowOps{}, rows, c, x, gamma, beta, eps, momentum, running_mean, running_var, save_mean, save_invstd,
                y, relu_affine, nullptr, stats);
}
void batchnorm_add_relu_forward_train_handed(size_t rows, size_t c, const float* x, const float* skip, const float* gamma,
                                             const float* beta, float eps, float momentum, float* running_mean,
                                             float* running_var, float* save_mean, float* save_invstd, float* y,
                                             const float* stats) {
  forward_train(TableRowOps{}, rows, c, x, gamma, beta, eps, momentum, running_mean, running_var, save_mean, save_invstd,
                y, nullptr, skip, stats);
}
void batchnorm_backward_handed(size_t rows, size_t c, const float* x, const float* dy, const float* gamma,
                               const float* save_mean, const float* save_invstd, float* dx, float* dgamma, float* dbeta,
                               bool accumulate, const float* relu_affine, const float* sums, BatchNormDxPass* defer) {
  backward(TableRowOps{}, rows, c, x, dy, gamma, save_mean, save_invstd, dx, dgamma, dbeta, accumulate, relu_affine,
           nullptr, nullptr, sums, defer);
}
void batchnorm_add_relu_backward_deferred(size_t rows, size_t c, const float* x, const float* z, const float* dy,
                                          const float* gamma, const float* save_mean, const float* save_invstd,
                                          float* g, float* dx, float* dgamma, float* dbeta, bool accumulate,
                                          BatchNormDxPass* defer) {
  backward(TableRowOps{}, rows, c, x, dy, gamma, save_mean, save_invstd, dx, dgamma, dbeta, accumulate, nullptr, z, g,
           nullptr, defer);
}
void batchnorm_dx_run(const BatchNormDxPass& p, size_t rows) {
  parallel_for(rows, min_rows(p.c), [&](size_t b, size_t e) { batchnorm_dx_rows(p, b, e); });
}
void batchnorm_dx_rows(const BatchNormDxPass& p, size_t r0, size_t r1) {
  const size_t c = p.c, off = r0 * c;
  const TableRowOps ops;
  if (p.relu_affine) {
    ops.bn_dx_relu(r1 - r0, c, p.x + off, p.dy + off, p.mean, p.relu_affine, p.relu_affine + c, p.k1.data(), p.k2.data(),
                   p.mean_dy.data(), p.dx + off);
  } else {
    ops.bn_dx(r1 - r0, c, p.x + off, p.dy + off, p.mean, p.k1.data(), p.k2.data(), p.mean_dy.data(), p.dx + off);
  }
}

void batchnorm_eval_affine(size_t c, const float* gamma, const float* beta, const float* running_var, float eps,
                           float* scale, float* bias) {
  for (size_t ch = 0; ch < c; ++ch) {
    scale[ch] = (gamma ? gamma[ch] : 1.0f) * static_cast<float>(1.0 / std::sqrt(static_cast<double>(running_var[ch]) + eps));
    bias[ch] = beta ? beta[ch] : 0.0f;
  }
}

void batchnorm_relu_apply(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias,
                          float* y) {
  affine_rows(TableRowOps{}, rows, c, x, shift, scale, bias, y, true);
}

#define SIMDTRAIN_BATCHNORM_ENTRY_POINTS(suffix, OPS)                                                                    \
  void batchnorm_forward_train##suffix(size_t rows, size_t c, const float* x, const float* gamma, const float* beta,    \
                                       float eps, float momentum, float* running_mean, float* running_var,            \
                                       float* save_mean, float* save_invstd, float* y, float* relu_affine) {          \
    forward_train(OPS{}, rows, c, x, gamma, beta, eps, momentum, running_mean, running_var, save_mean, save_invstd, y,  \
                  relu_affine);                                                                                       \
  }                                                                                                                   \
  void batchnorm_forward_eval##suffix(size_t rows, size_t c, const float* x, const float* gamma, const float* beta,     \
                                      const float* running_mean, const float* running_var, float eps, float* y,       \
                                      bool relu) {                                                                    \
    forward_eval(OPS{}, rows, c, x, gamma, beta, running_mean, running_var, eps, y, relu);                            \
  }                                                                                                                   \
  void batchnorm_backward##suffix(size_t rows, size_t c, const float* x, const float* dy, const float* gamma,          \
                                  const float* save_mean, const float* save_invstd, float* dx, float* dgamma,         \
                                  float* dbeta, bool accumulate, const float* relu_affine) {                          \
    backward(OPS{}, rows, c, x, dy, gamma, save_mean, save_invstd, dx, dgamma, dbeta, accumulate, relu_affine);      \
  }                                                                                                                   \
  void batchnorm_add_relu_forward_train##suffix(size_t rows, size_t c, const float* x, const float* skip,              \
                                                const float* gamma, const float* beta, float eps, float momentum,     \
                                                float* running_mean, float* running_var, float* save_mean,            \
                                                float* save_invstd, float* y) {                                       \
    forward_train(OPS{}, rows, c, x, gamma, beta, eps, momentum, running_mean, running_var, save_mean, save_invstd, y,  \
                  nullptr, skip);                                                                                     \
  }                                                                                                                   \
  void batchnorm_add_relu_forward_eval##suffix(size_t rows, size_t c, const float* x, const float* skip,               \
                                               const float* gamma, const float* beta, const float* running_mean,      \
                                               const float* running_var, float eps, float* y) {                       \
    forward_eval(OPS{}, rows, c, x, gamma, beta, running_mean, running_var, eps, y, false, skip);                     \
  }                                                                                                                   \
  void batchnorm_add_relu_backward##suffix(size_t rows, size_t c, const float* x, const float* z, const float* dy,     \
                                           const float* gamma, const float* save_mean, const float* save_invstd,      \
                                           float* g, float* dx, float* dgamma, float* dbeta, bool accumulate) {       \
    backward(OPS{}, rows, c, x, dy, gamma, save_mean, save_invstd, dx, dgamma, dbeta, accumulate, nullptr, z, g);     \
  }

SIMDTRAIN_BATCHNORM_ENTRY_POINTS(, TableRowOps)
SIMDTRAIN_BATCHNORM_ENTRY_POINTS(_reference, PlainRowOps)
#undef SIMDTRAIN_BATCHNORM_ENTRY_POINTS

}  // namespace simdtrain

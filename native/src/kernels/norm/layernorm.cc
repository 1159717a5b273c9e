// Layer normalization (layernorm.h): one row at a time in double for the
// statistics (d is small; the order is fixed, so every ISA and thread count
// gives the same bits), gamma/beta gradients by column_block_sums. The
// statistics stay scalar double sums (a vector sum would change their order);
// the element-wise passes are templates over the row operations
// (norm_row_ops.h): the active ISA's kernels, or the plain loops of the
// *_reference functions, with the same bits.
#include "layernorm.h"

#include <cmath>
#include <vector>

#include "../../core/thread_pool.h"
#include "column_blocks.h"
#include "norm_row_ops.h"

namespace simdtrain {
namespace {

using norm_detail::PlainRowOps;
using norm_detail::TableRowOps;

size_t min_rows(size_t d) { return d ? (size_t{1} << 15) / d + 1 : 1; }

void row_stats(const float* x, size_t d, float eps, float* mean_out, float* rstd_out) {
  double s = 0;
  for (size_t j = 0; j < d; ++j) s += x[j];
  const double mean = d ? s / static_cast<double>(d) : 0.0;
  double q = 0;
  for (size_t j = 0; j < d; ++j) q += (x[j] - mean) * (x[j] - mean);
  const double var = d ? q / static_cast<double>(d) : 0.0;
  *mean_out = static_cast<float>(mean);
  *rstd_out = static_cast<float>(1.0 / std::sqrt(var + eps));
}

template <class Ops>
void forward(const Ops& ops, size_t rows, size_t d, const float* x, const float* gamma, const float* beta, float eps,
                       float* save_mean, float* save_rstd, float* y) {
  parallel_for(rows, min_rows(d), [&](size_t b, size_t e) {
    for (size_t r = b; r < e; ++r) {
      float mean, rstd;
      row_stats(x + r * d, d, eps, &mean, &rstd);
      if (save_mean) save_mean[r] = mean;
      if (save_rstd) save_rstd[r] = rstd;
      ops.ln_forward(d, x + r * d, mean, rstd, gamma, beta, y + r * d);
    }
  });
}

template <class Ops>
void backward(const Ops& ops, size_t rows, size_t d, const float* x, const float* dy, const float* gamma,
                        const float* save_mean, const float* save_rstd, float* dx, float* dgamma, float* dbeta,
                        bool accumulate) {
  if (dgamma || dbeta) {
    const std::vector<double> sums = column_block_sums(rows, d, 2, [&](size_t r0, size_t r1, float* acc) {
      for (size_t r = r0; r < r1; ++r) ops.ln_param_grads(d, x + r * d, dy + r * d, save_mean[r], save_rstd[r], acc, acc + d);
    });
    for (size_t j = 0; j < d; ++j) {
      if (dbeta) dbeta[j] = static_cast<float>(sums[j] + (accumulate ? dbeta[j] : 0.0));
      if (dgamma) dgamma[j] = static_cast<float>(sums[d + j] + (accumulate ? dgamma[j] : 0.0));
    }
  }
  if (!dx) return;
  parallel_for(rows, min_rows(d), [&](size_t b, size_t e) {
    for (size_t r = b; r < e; ++r) {
      const float* xr = x + r * d;
      const float* gr = dy + r * d;
      const double mean = save_mean[r], rstd = save_rstd[r];
      double sg = 0, sgx = 0;
      for (size_t j = 0; j < d; ++j) {
        const double g = static_cast<double>(gr[j]) * (gamma ? gamma[j] : 1.0f);
        sg += g;
        sgx += g * ((xr[j] - mean) * rstd);
      }
      const double inv_d = d ? 1.0 / static_cast<double>(d) : 0.0;
      const float mg = static_cast<float>(sg * inv_d), mgx = static_cast<float>(sgx * inv_d);
      const float rs = static_cast<float>(rstd), mu = static_cast<float>(mean);
      ops.ln_dx(d, xr, gr, gamma, mu, rs, mg, mgx, dx + r * d);
    }
  });
}

}  // namespace

void layernorm_forward(size_t rows, size_t d, const float* x, const float* gamma, const float* beta, float eps,
                       float* save_mean, float* save_rstd, float* y) {
  forward(TableRowOps{}, rows, d, x, gamma, beta, eps, save_mean, save_rstd, y);
}
void layernorm_forward_reference(size_t rows, size_t d, const float* x, const float* gamma, const float* beta, float eps,
                                 float* save_mean, float* save_rstd, float* y) {
  forward(PlainRowOps{}, rows, d, x, gamma, beta, eps, save_mean, save_rstd, y);
}

void layernorm_backward(size_t rows, size_t d, const float* x, const float* dy, const float* gamma,
                        const float* save_mean, const float* save_rstd, float* dx, float* dgamma, float* dbeta,
                        bool accumulate) {
  backward(TableRowOps{}, rows, d, x, dy, gamma, save_mean, save_rstd, dx, dgamma, dbeta, accumulate);
}
void layernorm_backward_reference(size_t rows, size_t d, const float* x, const float* dy, const float* gamma,
                                  const float* save_mean, const float* save_rstd, float* dx, float* dgamma,
                                  float* dbeta, bool accumulate) {
  backward(PlainRowOps{}, rows, d, x, dy, gamma, save_mean, save_rstd, dx, dgamma, dbeta, accumulate);
}

}  // namespace simdtrain

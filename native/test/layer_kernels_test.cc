// Pooling, batch/layer normalization (and BatchNorm / Add fused with ReLU), dropout and embedding kernels against
// plain double-precision references on odd shapes, on every ISA with 1 and 2
// threads; every result must have the same bits for any thread count.
#include <cmath>
#include <cstring>
#include <vector>

#include "../src/core/thread_pool.h"
#include "../src/kernels/conv/pool2d.h"
#include "../src/kernels/layers/add_relu.h"
#include "../src/kernels/layers/dropout.h"
#include "../src/kernels/layers/embedding.h"
#include "../src/kernels/norm/batchnorm.h"
#include "../src/kernels/norm/layernorm.h"
#include "../src/kernels/rng/rng_ops.h"
#include "../src/simd/cpu_features.h"
#include "../src/simd/dispatch.h"
#include "test_framework.h"
#include "test_util.h"

using namespace simdtrain;

namespace {

// Runs fn() on every ISA and 1 / 2 threads; fn returns its outputs, which
// must be bit-identical between the thread counts of one ISA.
template <class Fn>
void on_every_config(Fn&& fn) {
  for (auto isa : testing::runnable_isas()) {
    std::vector<float> first;
    for (int threads : {1, 2}) {
      set_active_isa(isa);
      set_num_threads(threads);
      std::vector<float> out = fn();
      if (threads == 1) first = out;
      // (memcmp of an empty vector's null data() is undefined, even for 0 bytes.)
      else CHECK(out.size() == first.size() && (out.empty() || std::memcmp(out.data(), first.data(), out.size() * sizeof(float)) == 0));
    }
  }
  set_active_isa(best_supported_isa());
  set_num_threads(2);
}

void check_close(const float* got, const std::vector<double>& want, double tol) {
  for (size_t i = 0; i < want.size(); ++i) CHECK_NEAR(got[i], want[i], tol * (1 + std::fabs(want[i])));
}

Pool2dShape pool(size_t batch, size_t h, size_t w, size_t c, size_t k, size_t stride, size_t pad) {
  Pool2dShape s;
  s.batch = batch;
  s.in_h = h;
  s.in_w = w;
  s.c = c;
  s.kh = s.kw = k;
  s.stride_h = s.stride_w = stride;
  s.pad_top = s.pad_left = pad;
  s.pad_bottom = s.pad_right = pad;
  return s;
}

// Windows as the reference walks them: fn(n, oy, ox, ch, iy, ix) for every
// in-bounds position, in window order.
template <class Fn>
void ref_windows(const Pool2dShape& s, Fn&& fn) {
  for (size_t n = 0; n < s.batch; ++n)
    for (size_t oy = 0; oy < s.out_h(); ++oy)
      for (size_t ox = 0; ox < s.out_w(); ++ox)
        for (size_t ch = 0; ch < s.c; ++ch)
          for (size_t i = 0; i < s.kh; ++i)
            for (size_t j = 0; j < s.kw; ++j) {
              const long iy = static_cast<long>(oy * s.stride_h + i) - static_cast<long>(s.pad_top);
              const long ix = static_cast<long>(ox * s.stride_w + j) - static_cast<long>(s.pad_left);
              if (iy >= 0 && ix >= 0 && iy < static_cast<long>(s.in_h) && ix < static_cast<long>(s.in_w))
                fn(((n * s.out_h() + oy) * s.out_w() + ox) * s.c + ch, ((n * s.in_h + iy) * s.in_w + ix) * s.c + ch);
            }
}

const std::vector<Pool2dShape> kPools = {pool(2, 6, 6, 3, 2, 2, 0), pool(3, 7, 5, 17, 3, 2, 1),
                                         pool(1, 5, 8, 9, 3, 1, 1), pool(2, 4, 4, 33, 4, 3, 2),
                                         pool(0, 4, 4, 2, 2, 2, 0)};

}  // namespace

TEST(pool2d_check_rejects_bad_shapes) {
  CHECK(pool2d_check(pool(1, 4, 4, 1, 2, 2, 0)) == nullptr);
  CHECK(pool2d_check(pool(1, 4, 4, 1, 2, 2, 2)) != nullptr);  // padding >= window
  CHECK(pool2d_check(pool(1, 2, 2, 1, 3, 1, 0)) != nullptr);  // window > input
  CHECK(pool2d_check(pool(1, 4, 4, 0, 2, 2, 0)) != nullptr);
  CHECK(pool2d_check(pool(1, 4, 4, 1, 2, 0, 0)) != nullptr);
}

TEST(maxpool2d_matches_reference) {
  for (const auto& s : kPools) {
    CHECK(pool2d_check(s) == nullptr);
    std::vector<float> x = testing::random_floats(s.x_size(), 3);
    // Ties: the first maximum in window order takes the gradient.
    for (size_t i = 0; i + 5 < x.size(); i += 7) x[i + 5] = x[i];
    const std::vector<float> dy = testing::random_floats(s.y_size(), 5);
    std::vector<double> y_ref(s.y_size(), -INFINITY), dx_ref(s.x_size(), 0.0);
    std::vector<size_t> arg(s.y_size(), SIZE_MAX);
    ref_windows(s, [&](size_t o, size_t i) {
      if (arg[o] == SIZE_MAX || x[i] > y_ref[o]) {
        y_ref[o] = x[i];
        arg[o] = i;
      }
    });
    for (size_t o = 0; o < arg.size(); ++o) dx_ref[arg[o]] += dy[o];
    on_every_config([&] {
      std::vector<float> y(s.y_size(), NAN), dx(s.x_size(), NAN);
      maxpool2d_forward(s, x.data(), y.data());
      maxpool2d_backward(s, x.data(), dy.data(), dx.data());
      check_close(y.data(), y_ref, 0);
      check_close(dx.data(), dx_ref, 1e-6);
      y.insert(y.end(), dx.begin(), dx.end());
      return y;
    });
  }
}

TEST(maxpool2d_propagates_nan_like_pytorch) {
  const Pool2dShape s = pool(1, 2, 2, 1, 2, 2, 0);
  const float x[4] = {1.0f, NAN, 3.0f, 2.0f}, dy[1] = {1.0f};
  float y[1], dx[4];
  maxpool2d_forward(s, x, y);
  maxpool2d_backward(s, x, dy, dx);
  CHECK(std::isnan(y[0]));
  CHECK(dx[1] == 1.0f && dx[0] == 0.0f && dx[2] == 0.0f && dx[3] == 0.0f);
}

TEST(avgpool2d_matches_reference_with_and_without_padding_counted) {
  for (const auto& s : kPools) {
    for (bool include_pad : {true, false}) {
      const std::vector<float> x = testing::random_floats(s.x_size(), 3), dy = testing::random_floats(s.y_size(), 5);
      std::vector<double> y_ref(s.y_size(), 0.0), cnt(s.y_size(), 0.0), dx_ref(s.x_size(), 0.0);
      ref_windows(s, [&](size_t o, size_t i) {
        y_ref[o] += x[i];
        cnt[o] += 1;
      });
      for (size_t o = 0; o < y_ref.size(); ++o) {
        if (include_pad) cnt[o] = static_cast<double>(s.kh * s.kw);
        y_ref[o] /= cnt[o];
      }
      ref_windows(s, [&](size_t o, size_t i) { dx_ref[i] += dy[o] / cnt[o]; });
      on_every_config([&] {
        std::vector<float> y(s.y_size(), NAN), dx(s.x_size(), NAN);
        avgpool2d_forward(s, x.data(), y.data(), include_pad);
        avgpool2d_backward(s, dy.data(), dx.data(), include_pad);
        check_close(y.data(), y_ref, 1e-6);
        check_close(dx.data(), dx_ref, 1e-6);
        y.insert(y.end(), dx.begin(), dx.end());
        return y;
      });
    }
  }
}

TEST(global_avgpool_matches_reference) {
  for (size_t c : {1, 7, 17, 64}) {
    const size_t batch = 3, hw = 13;
    const std::vector<float> x = testing::random_floats(batch * hw * c, 3), dy = testing::random_floats(batch * c, 5);
    std::vector<double> y_ref(batch * c, 0.0), dx_ref(batch * hw * c);
    for (size_t i = 0; i < x.size(); ++i) y_ref[(i / (hw * c)) * c + i % c] += x[i] / hw;
    for (size_t i = 0; i < x.size(); ++i) dx_ref[i] = dy[(i / (hw * c)) * c + i % c] / static_cast<double>(hw);
    on_every_config([&] {
      std::vector<float> y(batch * c, NAN), dx(x.size(), NAN);
      global_avgpool_forward(batch, hw, c, x.data(), y.data());
      global_avgpool_backward(batch, hw, c, dy.data(), dx.data());
      check_close(y.data(), y_ref, 1e-6);
      check_close(dx.data(), dx_ref, 1e-6);
      y.insert(y.end(), dx.begin(), dx.end());
      return y;
    });
  }
}

TEST(batchnorm_train_eval_backward_match_reference) {
  const float eps = 1e-5f, momentum = 0.1f;
  for (size_t rows : {1, 2, 63, 64, 65, 300}) {
    for (size_t c : {1, 3, 16, 17}) {
      std::vector<float> x = testing::random_floats(rows * c, 3);
      for (auto& v : x) v = 3.0f + 2.0f * v;  // mean far from 0
      const std::vector<float> dy = testing::random_floats(rows * c, 5), gamma = testing::random_floats(c, 7),
                               beta = testing::random_floats(c, 9);
      std::vector<double> mean(c, 0), var(c, 0), y_ref(rows * c), dx_ref(rows * c), dg(c, 0), db(c, 0), rm(c),
          rv(c), ye_ref(rows * c);
      for (size_t i = 0; i < x.size(); ++i) mean[i % c] += x[i] / static_cast<double>(rows);
      for (size_t i = 0; i < x.size(); ++i) var[i % c] += (x[i] - mean[i % c]) * (x[i] - mean[i % c]) / rows;
      for (size_t ch = 0; ch < c; ++ch) {
        rm[ch] = 0.9 * 0.25 + 0.1 * mean[ch];
        rv[ch] = 0.9 * 1.5 + 0.1 * (rows > 1 ? var[ch] * rows / (rows - 1) : var[ch]);
      }
      for (size_t i = 0; i < x.size(); ++i) {
        const size_t ch = i % c;
        const double xhat = (x[i] - mean[ch]) / std::sqrt(var[ch] + eps);
        y_ref[i] = gamma[ch] * xhat + beta[ch];
        ye_ref[i] = gamma[ch] * (x[i] - 0.25) / std::sqrt(1.5 + eps) + beta[ch];
        db[ch] += dy[i];
        dg[ch] += dy[i] * xhat;
      }
      for (size_t i = 0; i < x.size(); ++i) {
        const size_t ch = i % c;
        const double invstd = 1 / std::sqrt(var[ch] + eps);
        const double xhat = (x[i] - mean[ch]) * invstd;
        dx_ref[i] = gamma[ch] * invstd / rows * (rows * dy[i] - db[ch] - xhat * dg[ch]);
      }
      on_every_config([&] {
        std::vector<float> y(rows * c, NAN), ye(rows * c, NAN), dx(rows * c, NAN), smean(c), sinv(c),
            run_m(c, 0.25f), run_v(c, 1.5f), dgamma(c, 1.0f), dbeta(c, 2.0f);
        batchnorm_forward_train(rows, c, x.data(), gamma.data(), beta.data(), eps, momentum, run_m.data(),
                                run_v.data(), smean.data(), sinv.data(), y.data());
        const std::vector<float> eval_m(c, 0.25f), eval_v(c, 1.5f);
        batchnorm_forward_eval(rows, c, x.data(), gamma.data(), beta.data(), eval_m.data(), eval_v.data(), eps,
                               ye.data());
        batchnorm_backward(rows, c, x.data(), dy.data(), gamma.data(), smean.data(), sinv.data(), dx.data(),
                           dgamma.data(), dbeta.data(), true);
        check_close(y.data(), y_ref, 2e-5);
        check_close(ye.data(), ye_ref, 2e-6);
        check_close(run_m.data(), rm, 1e-6);
        check_close(run_v.data(), rv, 1e-5);
        check_close(dx.data(), dx_ref, 1e-4);
        for (size_t ch = 0; ch < c; ++ch) {
          CHECK_NEAR(dgamma[ch], dg[ch] + 1.0, 1e-4 * (1 + std::fabs(dg[ch])) * std::sqrt(rows));
          CHECK_NEAR(dbeta[ch], db[ch] + 2.0, 1e-5 * std::sqrt(rows));
        }
        std::vector<float> all = y;
        for (const auto* v : {&ye, &dx, &run_m, &run_v, &dgamma, &dbeta}) all.insert(all.end(), v->begin(), v->end());
        return all;
      });
    }
  }
}

// The one-pass statistics (per-block deviations from the block's own mean,
// combined in double) keep the variance when the mean is 10^4 standard
// deviations from 0, where sum(x^2) / n - mean^2 in float would lose it all.
TEST(batchnorm_variance_survives_a_mean_far_from_zero) {
  for (size_t rows : {63, 64, 65, 300}) {
    const size_t c = 3;
    std::vector<float> x = testing::random_floats(rows * c, 13);
    for (size_t i = 0; i < x.size(); ++i) x[i] = 1e4f + static_cast<float>(i % c) + x[i];
    std::vector<double> mean(c, 0), var(c, 0);
    for (size_t i = 0; i < x.size(); ++i) mean[i % c] += x[i] / static_cast<double>(rows);
    for (size_t i = 0; i < x.size(); ++i) var[i % c] += (x[i] - mean[i % c]) * (x[i] - mean[i % c]) / rows;
    on_every_config([&] {
      std::vector<float> y(rows * c), smean(c), sinv(c), run_m(c, 0.0f), run_v(c, 0.0f);
      batchnorm_forward_train(rows, c, x.data(), nullptr, nullptr, 1e-5f, 1.0f, run_m.data(), run_v.data(), smean.data(),
                              sinv.data(), y.data());
      for (size_t ch = 0; ch < c; ++ch) {
        CHECK_NEAR(sinv[ch], 1 / std::sqrt(var[ch] + 1e-5), 1e-5 * sinv[ch]);
        CHECK_NEAR(run_v[ch], var[ch] * rows / (rows - 1), 1e-5 * run_v[ch]);
      }
      std::vector<float> all = sinv;
      all.insert(all.end(), run_v.begin(), run_v.end());
      return all;
    });
  }
}

TEST(layernorm_forward_backward_match_reference) {
  const float eps = 1e-5f;
  for (size_t rows : {1, 5, 70}) {
    for (size_t d : {1, 7, 16, 33}) {
      std::vector<float> x = testing::random_floats(rows * d, 3);
      for (auto& v : x) v = 1.0f + v;
      const std::vector<float> dy = testing::random_floats(rows * d, 5), gamma = testing::random_floats(d, 7),
                               beta = testing::random_floats(d, 9);
      std::vector<double> y_ref(rows * d), dx_ref(rows * d), dg(d, 0.5), db(d, 0.5);
      for (size_t r = 0; r < rows; ++r) {
        const float* xr = x.data() + r * d;
        const float* gr = dy.data() + r * d;
        double m = 0, v = 0;
        for (size_t j = 0; j < d; ++j) m += xr[j] / static_cast<double>(d);
        for (size_t j = 0; j < d; ++j) v += (xr[j] - m) * (xr[j] - m) / d;
        const double rstd = 1 / std::sqrt(v + eps);
        double sg = 0, sgx = 0;
        for (size_t j = 0; j < d; ++j) {
          const double xhat = (xr[j] - m) * rstd;
          y_ref[r * d + j] = gamma[j] * xhat + beta[j];
          dg[j] += gr[j] * xhat;
          db[j] += gr[j];
          sg += gr[j] * gamma[j];
          sgx += gr[j] * gamma[j] * xhat;
        }
        for (size_t j = 0; j < d; ++j)
          dx_ref[r * d + j] = rstd * (gr[j] * gamma[j] - sg / d - (xr[j] - m) * rstd * sgx / d);
      }
      on_every_config([&] {
        std::vector<float> y(rows * d, NAN), dx(rows * d, NAN), mean(rows), rstd(rows), dgamma(d, 0.5f),
            dbeta(d, 0.5f);
        layernorm_forward(rows, d, x.data(), gamma.data(), beta.data(), eps, mean.data(), rstd.data(), y.data());
        layernorm_backward(rows, d, x.data(), dy.data(), gamma.data(), mean.data(), rstd.data(), dx.data(),
                           dgamma.data(), dbeta.data(), true);
        check_close(y.data(), y_ref, 1e-5);
        check_close(dx.data(), dx_ref, d == 1 ? 1e-2 : 1e-4);
        check_close(dgamma.data(), dg, 1e-5 * std::sqrt(rows));
        check_close(dbeta.data(), db, 1e-5 * std::sqrt(rows));
        y.insert(y.end(), dx.begin(), dx.end());
        y.insert(y.end(), dgamma.begin(), dgamma.end());
        return y;
      });
    }
  }
}

TEST(dropout_keeps_by_the_philox_stream_and_backward_regenerates_the_mask) {
  for (size_t n : {0, 1, 17, 1000, 5000}) {
    for (float p : {0.0f, 0.5f, 0.9f}) {
      const uint64_t seed = 1234, offset = 77;
      const std::vector<float> x = testing::random_floats(n, 3), dy = testing::random_floats(n, 5);
      std::vector<float> u(n);
      rng_uniform(u.data(), n, seed, offset, 0.0f, 1.0f);
      on_every_config([&] {
        std::vector<float> y(n, NAN), dx(n, NAN);
        dropout_forward(n, x.data(), p, seed, offset, y.data());
        dropout_backward(n, dy.data(), p, seed, offset, dx.data());
        size_t kept = 0;
        for (size_t i = 0; i < n; ++i) {
          const bool keep = u[i] >= p;
          kept += keep;
          CHECK(y[i] == (keep ? x[i] * (1.0f / (1.0f - p)) : 0.0f));
          CHECK(dx[i] == (keep ? dy[i] * (1.0f / (1.0f - p)) : 0.0f));
        }
        if (n >= 1000) CHECK_NEAR(static_cast<double>(kept) / n, 1 - p, 0.05);
        y.insert(y.end(), dx.begin(), dx.end());
        return y;
      });
      // In place, and a shifted offset sees the same stream shifted.
      if (n > 10) {
        std::vector<float> a(x), b(n - 3);
        dropout_forward(n, a.data(), p, seed, offset, a.data());
        dropout_forward(n - 3, x.data() + 3, p, seed, offset + 3, b.data());
        CHECK(std::memcmp(a.data() + 3, b.data(), b.size() * sizeof(float)) == 0);
      }
    }
  }
}

TEST(embedding_gathers_scatters_and_rejects_bad_indices) {
  const size_t vocab = 11;
  for (size_t dim : {1, 7, 16, 40}) {
    const std::vector<int32_t> idx = {3, 0, 10, 3, 7, 3};
    const std::vector<float> table = testing::random_floats(vocab * dim, 3), dy = testing::random_floats(idx.size() * dim, 5);
    std::vector<double> out_ref(idx.size() * dim), dt_ref(vocab * dim, 0.5);
    for (size_t i = 0; i < idx.size(); ++i)
      for (size_t j = 0; j < dim; ++j) {
        out_ref[i * dim + j] = table[idx[i] * dim + j];
        dt_ref[idx[i] * dim + j] += dy[i * dim + j];
      }
    on_every_config([&] {
      std::vector<float> out(idx.size() * dim, NAN), dt(vocab * dim, 0.5f);
      CHECK(embedding_forward(idx.size(), idx.data(), vocab, dim, table.data(), out.data()) == kEmbeddingOk);
      CHECK(embedding_backward(idx.size(), idx.data(), vocab, dim, dy.data(), dt.data()) == kEmbeddingOk);
      check_close(out.data(), out_ref, 0);
      check_close(dt.data(), dt_ref, 1e-6);
      out.insert(out.end(), dt.begin(), dt.end());
      return out;
    });
    const std::vector<int32_t> bad = {1, 11, -1};
    std::vector<float> out(3 * dim, NAN), dt(vocab * dim, 0.5f);
    CHECK(embedding_forward(3, bad.data(), vocab, dim, table.data(), out.data()) == 1);
    CHECK(out[dim] == 0.0f && out[2 * dim] == 0.0f && out[0] == table[dim]);
    CHECK(embedding_backward(3, bad.data(), vocab, dim, dy.data(), dt.data()) == 1);
    for (float v : dt) CHECK(v == 0.5f);  // nothing written
  }
}

// ---- every ISA's vector kernels vs the plain scalar reference, bit for bit:
// channel counts that hit every vector tail, arrays at odd (unaligned)
// offsets, 1 and 2 threads.
namespace {

const std::vector<size_t> kChannels = {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 65};

// n floats at an odd offset into a larger buffer (an unaligned view), filled from `seed`.
struct View {
  std::vector<float> buf;
  float* p;
  View(size_t n, uint32_t seed, float fill = NAN) : buf(n + 3, fill), p(buf.data() + 1) {
    if (seed) {
      const std::vector<float> v = testing::random_floats(n, seed);
      std::copy(v.begin(), v.end(), p);
    }
  }
};

bool same_bits(const float* a, const float* b, size_t n) { return n == 0 || std::memcmp(a, b, n * sizeof(float)) == 0; }

// Runs fast() on every ISA and 1 / 2 threads and checks it against ref() bit for bit.
template <class Ref, class Fast>
void vs_reference(size_t n, Ref&& ref, Fast&& fast) {
  set_num_threads(1);
  const std::vector<float> want = ref();
  CHECK(want.size() == n);
  for (auto isa : testing::runnable_isas()) {
    for (int threads : {1, 2}) {
      set_active_isa(isa);
      set_num_threads(threads);
      const std::vector<float> got = fast();
      CHECK(got.size() == n && same_bits(got.data(), want.data(), n));
    }
  }
  set_active_isa(best_supported_isa());
  set_num_threads(2);
}

}  // namespace

TEST(pooling_vector_kernels_match_the_scalar_reference_bit_for_bit) {
  for (size_t c : kChannels) {
    // Overlapping windows, disjoint windows covering the image, disjoint ones
    // leaving pixels out (floor, stride > size, padding).
    for (const Pool2dShape& s : {pool(2, 5, 6, c, 3, 2, 1), pool(3, 4, 4, c, 2, 2, 0), pool(1, 7, 3, c, 3, 1, 1),
                                 pool(2, 5, 7, c, 2, 2, 0), pool(1, 6, 5, c, 2, 3, 1)}) {
      View x(s.x_size(), 11), dy(s.y_size(), 13);
      dy.p[0] = -0.0f;  // the gradient lands as 0 + g
      for (size_t i = 0; i + 3 < s.x_size(); i += 5) x.p[i + 3] = x.p[i];  // ties
      if (s.x_size() > 9) x.p[9] = NAN;                                      // NaN wins its windows
      auto run = [&](auto&& mf, auto&& mb, auto&& af, auto&& ab) {
        View y(s.y_size(), 0), dx(s.x_size(), 0), ya(s.y_size(), 0), dxa(s.x_size(), 0), ya2(s.y_size(), 0), dxa2(s.x_size(), 0);
        mf(s, x.p, y.p);
        mb(s, x.p, dy.p, dx.p);
        af(s, x.p, ya.p, true);
        ab(s, dy.p, dxa.p, true);
        af(s, x.p, ya2.p, false);
        ab(s, dy.p, dxa2.p, false);
        std::vector<float> out;
        for (const View* v : {&y, &ya, &ya2}) out.insert(out.end(), v->p, v->p + s.y_size());
        for (const View* v : {&dx, &dxa, &dxa2}) out.insert(out.end(), v->p, v->p + s.x_size());
        return out;
      };
      vs_reference(
          3 * (s.y_size() + s.x_size()),
          [&] { return run(maxpool2d_forward_reference, maxpool2d_backward_reference, avgpool2d_forward_reference, avgpool2d_backward_reference); },
          [&] { return run(maxpool2d_forward, maxpool2d_backward, avgpool2d_forward, avgpool2d_backward); });
    }
    const size_t batch = 3, hw = 5;
    View gx(batch * hw * c, 17), gdy(batch * c, 19);
    auto global = [&](auto&& f, auto&& b) {
      View y(batch * c, 0), dx(batch * hw * c, 0);
      f(batch, hw, c, gx.p, y.p);
      b(batch, hw, c, gdy.p, dx.p);
      std::vector<float> out(y.p, y.p + batch * c);
      out.insert(out.end(), dx.p, dx.p + batch * hw * c);
      return out;
    };
    vs_reference(batch * c + batch * hw * c, [&] { return global(global_avgpool_forward_reference, global_avgpool_backward_reference); },
                 [&] { return global(global_avgpool_forward, global_avgpool_backward); });
  }
}

TEST(normalization_vector_kernels_match_the_scalar_reference_bit_for_bit) {
  for (size_t c : kChannels) {
    for (size_t rows : {1, 5, 67, 130}) {
      View x(rows * c, 21), dy(rows * c, 23), gamma(c, 25), beta(c, 27);
      for (size_t i = 0; i < rows * c; ++i) x.p[i] = x.p[i] * 3.0f + 0.5f;
      auto bn = [&](auto&& train, auto&& eval, auto&& back, bool affine) {
        const float* g = affine ? gamma.p : nullptr;
        const float* b = affine ? beta.p : nullptr;
        View rm(c, 29), rv(c, 31), sm(c, 0), si(c, 0), y(rows * c, 0), ye(rows * c, 0), dx(rows * c, 0), dg(c, 33), db(c, 35);
        for (size_t i = 0; i < c; ++i) rv.p[i] = 1.5f + rv.p[i];
        train(rows, c, x.p, g, b, 1e-5f, 0.1f, rm.p, rv.p, sm.p, si.p, y.p, nullptr);
        eval(rows, c, x.p, g, b, rm.p, rv.p, 1e-5f, ye.p, false);
        back(rows, c, x.p, dy.p, g, sm.p, si.p, dx.p, affine ? dg.p : nullptr, affine ? db.p : nullptr, true, nullptr);
        std::vector<float> out;
        for (const View* v : {&rm, &rv, &sm, &si, &dg, &db}) out.insert(out.end(), v->p, v->p + c);
        for (const View* v : {&y, &ye, &dx}) out.insert(out.end(), v->p, v->p + rows * c);
        return out;
      };
      for (bool affine : {true, false}) {
        vs_reference(6 * c + 3 * rows * c,
                     [&] { return bn(batchnorm_forward_train_reference, batchnorm_forward_eval_reference, batchnorm_backward_reference, affine); },
                     [&] { return bn(batchnorm_forward_train, batchnorm_forward_eval, batchnorm_backward, affine); });
      }
      auto ln = [&](auto&& fwd, auto&& back, bool affine) {
        const float* g = affine ? gamma.p : nullptr;
        View sm(rows, 0), sr(rows, 0), y(rows * c, 0), dx(rows * c, 0), dg(c, 37), db(c, 39);
        fwd(rows, c, x.p, g, affine ? beta.p : nullptr, 1e-5f, sm.p, sr.p, y.p);
        back(rows, c, x.p, dy.p, g, sm.p, sr.p, dx.p, affine ? dg.p : nullptr, affine ? db.p : nullptr, false);
        std::vector<float> out(y.p, y.p + rows * c);
        out.insert(out.end(), dx.p, dx.p + rows * c);
        out.insert(out.end(), dg.p, dg.p + c);
        out.insert(out.end(), db.p, db.p + c);
        return out;
      };
      for (bool affine : {true, false}) {
        vs_reference(2 * rows * c + 2 * c, [&] { return ln(layernorm_forward_reference, layernorm_backward_reference, affine); },
                     [&] { return ln(layernorm_forward, layernorm_backward, affine); });
      }
    }
  }
}

// Statistics and backward sums handed over block by block (batchnorm.h:
// the graph's Conv2D + BatchNorm), the blocks filled in reverse order: the
// training forward (plain, with the kept ReLU affine, with Add + ReLU) and
// the backward (plain and through the ReLU) give the reference's bits of
// their own passes over x, on every ISA and 1 / 2 threads; so do the
// backward's dx passes deferred (through the ReLU, in place over dy, and
// the Add + ReLU form) and run in blocks of 7 rows, last first.
TEST(batchnorm_handed_block_statistics_and_sums_give_the_own_pass_bits) {
  for (size_t c : kChannels) {
    for (size_t rows : {1, 5, 64, 67, 130}) {
      View x(rows * c, 91), dy(rows * c, 93), skip(rows * c, 95), gamma(c, 97), beta(c, 99);
      for (size_t i = 0; i < rows * c; ++i) x.p[i] = x.p[i] * 2.0f + 3.0f;
      const size_t br = batchnorm_stats_block_rows();
      CHECK(br == 64);
      auto bn = [&](bool handed, bool ref) {
        View rm(c, 29), rv(c, 31), sm(c, 0), si(c, 0), kept(2 * c, 0), y(rows * c, 0), rm2(c, 29), rv2(c, 31),
            sm2(c, 0), si2(c, 0), y2(rows * c, 0), dx(rows * c, 0), dx2(rows * c, 0), dg(c, 33), db(c, 35),
            inplace(rows * c, 0), gm(rows * c, 0), dx3(rows * c, 0), dg3(c, 37), db3(c, 39);
        std::copy(dy.p, dy.p + rows * c, inplace.p);
        auto run = [&](const BatchNormDxPass& pass) {
          for (size_t k = (rows + 6) / 7; k-- > 0;) batchnorm_dx_rows(pass, 7 * k, std::min(rows, 7 * k + 7));
        };
        std::vector<float> stats(batchnorm_stats_floats(rows, c), NAN), sums(batchnorm_grad_sums_floats(rows, c), NAN),
            sums_relu(sums.size(), NAN);
        CHECK(stats.size() == (rows + br - 1) / br * 3 * c && sums.size() == (rows + br - 1) / br * 2 * c);
        for (size_t k = (rows + br - 1) / br; handed && k-- > 0;)
          batchnorm_block_stats(c, x.p, k * br, std::min(rows, (k + 1) * br), stats.data());
        const float* st = handed ? stats.data() : nullptr;
        if (ref) {
          batchnorm_forward_train_reference(rows, c, x.p, gamma.p, beta.p, 1e-5f, 0.1f, rm.p, rv.p, sm.p, si.p, y.p, kept.p);
          batchnorm_add_relu_forward_train_reference(rows, c, x.p, skip.p, gamma.p, beta.p, 1e-5f, 0.1f, rm2.p, rv2.p, sm2.p,
                                                     si2.p, y2.p);
        } else {
          batchnorm_forward_train_handed(rows, c, x.p, gamma.p, beta.p, 1e-5f, 0.1f, rm.p, rv.p, sm.p, si.p, y.p, kept.p, st);
          batchnorm_add_relu_forward_train_handed(rows, c, x.p, skip.p, gamma.p, beta.p, 1e-5f, 0.1f, rm2.p, rv2.p, sm2.p, si2.p,
                                           y2.p, st);
        }
        for (size_t k = (rows + br - 1) / br; handed && k-- > 0;) {
          const size_t r1 = std::min(rows, (k + 1) * br);
          batchnorm_block_grad_sums(c, x.p, dy.p, sm.p, kept.p, k * br, r1, sums_relu.data());
          batchnorm_block_grad_sums(c, x.p, dy.p, sm.p, nullptr, k * br, r1, sums.data());
        }
        if (ref) {
          batchnorm_backward_reference(rows, c, x.p, dy.p, gamma.p, sm.p, si.p, dx.p, dg.p, db.p, true, kept.p);
          batchnorm_backward_reference(rows, c, x.p, dy.p, gamma.p, sm.p, si.p, dx2.p, nullptr, nullptr, false, nullptr);
          batchnorm_backward_reference(rows, c, x.p, inplace.p, gamma.p, sm.p, si.p, inplace.p, nullptr, nullptr, false, kept.p);
          batchnorm_add_relu_backward_reference(rows, c, x.p, y2.p, dy.p, gamma.p, sm2.p, si2.p, gm.p, dx3.p, dg3.p, db3.p,
                                                true);
        } else {
          BatchNormDxPass pass, pass_inplace, pass_add;
          batchnorm_backward_handed(rows, c, x.p, dy.p, gamma.p, sm.p, si.p, dx.p, dg.p, db.p, true, kept.p,
                                    handed ? sums_relu.data() : nullptr, &pass);
          run(pass);
          batchnorm_backward_handed(rows, c, x.p, dy.p, gamma.p, sm.p, si.p, dx2.p, nullptr, nullptr, false, nullptr,
                                    handed ? sums.data() : nullptr);
          batchnorm_backward_handed(rows, c, x.p, inplace.p, gamma.p, sm.p, si.p, inplace.p, nullptr, nullptr, false, kept.p,
                                    nullptr, &pass_inplace);
          run(pass_inplace);
          batchnorm_add_relu_backward_deferred(rows, c, x.p, y2.p, dy.p, gamma.p, sm2.p, si2.p, gm.p, dx3.p, dg3.p, db3.p,
                                               true, &pass_add);
          run(pass_add);
        }
        std::vector<float> out;
        for (const View* v : {&rm, &rv, &sm, &si, &rm2, &rv2, &sm2, &si2, &dg, &db, &dg3, &db3}) out.insert(out.end(), v->p, v->p + c);
        out.insert(out.end(), kept.p, kept.p + 2 * c);
        for (const View* v : {&y, &y2, &dx, &dx2, &inplace, &gm, &dx3}) out.insert(out.end(), v->p, v->p + rows * c);
        return out;
      };
      vs_reference(14 * c + 7 * rows * c, [&] { return bn(false, true); }, [&] { return bn(true, false); });
    }
  }
}

// The ReLU fusions (graph_fusion.h): the fused reference equals BatchNorm's
// reference followed by the ReLU, bit for bit, and every ISA's fused kernels
// equal the fused reference on 1 and 2 threads.
TEST(batchnorm_relu_fusion_matches_batchnorm_then_relu_and_the_reference_bit_for_bit) {
  auto relu = [](float v) { return v != v ? v : (v > 0.0f ? v : 0.0f); };
  for (size_t c : kChannels) {
    for (size_t rows : {1, 5, 67, 130}) {
      View x(rows * c, 41), dy(rows * c, 43), gamma(c, 45), beta(c, 47);
      for (size_t i = 0; i < rows * c; ++i) x.p[i] = x.p[i] * 2.0f - 0.25f;
      // fused: BatchNorm writing relu(y), backward through it (its mask
      // recomputed from x); else BatchNorm, then the ReLU on its outputs and
      // the ReLU's gradient (from those outputs) before BatchNorm's backward.
      auto bn = [&](auto&& train, auto&& eval, auto&& back, bool affine, bool fused) {
        const float* g = affine ? gamma.p : nullptr;
        const float* b = affine ? beta.p : nullptr;
        View rm(c, 29), rv(c, 31), sm(c, 0), si(c, 0), z(rows * c, 0), ze(rows * c, 0), dx(rows * c, 0), dg(c, 33), db(c, 35);
        View kept(2 * c, 0);
        std::vector<float> gz(rows * c);
        for (size_t i = 0; i < c; ++i) rv.p[i] = 1.5f + rv.p[i];
        train(rows, c, x.p, g, b, 1e-5f, 0.1f, rm.p, rv.p, sm.p, si.p, z.p, fused ? kept.p : nullptr);
        eval(rows, c, x.p, g, b, rm.p, rv.p, 1e-5f, ze.p, fused);
        for (size_t i = 0; !fused && i < rows * c; ++i) z.p[i] = relu(z.p[i]), ze.p[i] = relu(ze.p[i]);
        for (size_t i = 0; i < rows * c; ++i) gz[i] = z.p[i] > 0.0f ? dy.p[i] : 0.0f;
        back(rows, c, x.p, fused ? dy.p : gz.data(), g, sm.p, si.p, dx.p, affine ? dg.p : nullptr, affine ? db.p : nullptr, true,
             fused ? kept.p : nullptr);
        std::vector<float> out;
        for (const View* v : {&rm, &rv, &sm, &si, &dg, &db}) out.insert(out.end(), v->p, v->p + c);
        for (const View* v : {&z, &ze, &dx}) out.insert(out.end(), v->p, v->p + rows * c);
        return out;
      };
      for (bool affine : {true, false}) {
        const std::vector<float> want =
            bn(batchnorm_forward_train_reference, batchnorm_forward_eval_reference, batchnorm_backward_reference, affine, true);
        const std::vector<float> unfused =
            bn(batchnorm_forward_train_reference, batchnorm_forward_eval_reference, batchnorm_backward_reference, affine, false);
        CHECK(unfused.size() == want.size() && same_bits(unfused.data(), want.data(), want.size()));
        size_t zeros = 0;
        for (size_t i = 0; i < rows * c; ++i) zeros += want[6 * c + i] == 0.0f;
        CHECK(rows < 5 || (zeros > 0 && zeros < rows * c));  // the ReLU cut some values, not all
        vs_reference(want.size(), [&] { return want; },
                     [&] { return bn(batchnorm_forward_train, batchnorm_forward_eval, batchnorm_backward, affine, true); });
      }
    }
  }
}

// BatchNorm + Add + ReLU (graph_fusion.h): the fused reference equals
// BatchNorm's reference, add_relu's and relu_grad_split's run one after the
// other, bit for bit (the masked gradient written to its own buffer or over
// dy); every ISA's fused kernels equal the fused reference on 1 and 2 threads.
TEST(batchnorm_add_relu_fusion_matches_batchnorm_then_add_relu_and_the_reference_bit_for_bit) {
  for (size_t c : kChannels) {
    for (size_t rows : {1, 5, 67, 130}) {
      const size_t n = rows * c;
      View x(n, 61), skip(n, 63), dy(n, 65), gamma(c, 67), beta(c, 69);
      for (size_t i = 0; i < n; ++i) x.p[i] = x.p[i] * 2.0f + 0.75f;
      auto bn = [&](auto&& train, auto&& eval, auto&& back, bool affine, bool fused) {
        const float* g = affine ? gamma.p : nullptr;
        const float* b = affine ? beta.p : nullptr;
        View rm(c, 29), rv(c, 31), sm(c, 0), si(c, 0), dg(c, 33), db(c, 35), dg2(c, 33), db2(c, 35);
        View z(n, 0), ze(n, 0), gz(n, 0), dx(n, 0), inplace(n, 0), dx2(n, 0);
        for (size_t i = 0; i < c; ++i) rv.p[i] = 1.5f + rv.p[i];
        if (fused) {
          train(rows, c, x.p, skip.p, g, b, 1e-5f, 0.1f, rm.p, rv.p, sm.p, si.p, z.p);
          eval(rows, c, x.p, skip.p, g, b, rm.p, rv.p, 1e-5f, ze.p);
          back(rows, c, x.p, z.p, dy.p, g, sm.p, si.p, gz.p, dx.p, affine ? dg.p : nullptr, affine ? db.p : nullptr, true);
          std::copy(dy.p, dy.p + n, inplace.p);  // the gradient over dy (the skip input needs none)
          back(rows, c, x.p, z.p, inplace.p, g, sm.p, si.p, inplace.p, dx2.p, affine ? dg2.p : nullptr, affine ? db2.p : nullptr,
               true);
        } else {  // BatchNorm, then add_relu; relu_grad_split, then BatchNorm's backward
          View t(n, 0), te(n, 0);
          batchnorm_forward_train_reference(rows, c, x.p, g, b, 1e-5f, 0.1f, rm.p, rv.p, sm.p, si.p, t.p);
          batchnorm_forward_eval_reference(rows, c, x.p, g, b, rm.p, rv.p, 1e-5f, te.p);
          add_relu_reference(n, t.p, skip.p, z.p);
          add_relu_reference(n, te.p, skip.p, ze.p);
          relu_grad_split_reference(n, z.p, dy.p, gz.p, inplace.p);
          batchnorm_backward_reference(rows, c, x.p, gz.p, g, sm.p, si.p, dx.p, affine ? dg.p : nullptr, affine ? db.p : nullptr,
                                       true);
          batchnorm_backward_reference(rows, c, x.p, gz.p, g, sm.p, si.p, dx2.p, affine ? dg2.p : nullptr,
                                       affine ? db2.p : nullptr, true);
        }
        std::vector<float> out;
        for (const View* v : {&rm, &rv, &sm, &si, &dg, &db, &dg2, &db2}) out.insert(out.end(), v->p, v->p + c);
        for (const View* v : {&z, &ze, &gz, &dx, &inplace, &dx2}) out.insert(out.end(), v->p, v->p + n);
        return out;
      };
      for (bool affine : {true, false}) {
        const std::vector<float> want = bn(batchnorm_add_relu_forward_train_reference, batchnorm_add_relu_forward_eval_reference,
                                           batchnorm_add_relu_backward_reference, affine, true);
        const std::vector<float> unfused = bn(batchnorm_add_relu_forward_train_reference, batchnorm_add_relu_forward_eval_reference,
                                              batchnorm_add_relu_backward_reference, affine, false);
        CHECK(unfused.size() == want.size() && same_bits(unfused.data(), want.data(), want.size()));
        size_t zeros = 0;
        for (size_t i = 0; i < n; ++i) zeros += want[8 * c + i] == 0.0f;
        CHECK(n < 20 || (zeros > 0 && zeros < n));  // the ReLU cut some values, not all
        vs_reference(want.size(), [&] { return want; },
                     [&] { return bn(batchnorm_add_relu_forward_train, batchnorm_add_relu_forward_eval, batchnorm_add_relu_backward,
                                     affine, true); });
      }
    }
  }
}

TEST(add_relu_fusion_matches_add_then_relu_and_the_reference_bit_for_bit) {
  for (size_t n : testing::tail_sizes()) {
    View a(n, 51), b(n, 53), dy(n, 55);
    if (n > 3) a.p[1] = NAN, a.p[2] = -0.0f, b.p[2] = -0.0f, a.p[3] = 0.5f, b.p[3] = -0.5f;  // NaN, -0 + -0, exact 0
    auto run = [&](auto&& fwd, auto&& back) {
      View y(n, 0), da(n, 0), db(n, 0), d2(n, 0), inplace(n, 0);
      fwd(n, a.p, b.p, y.p);
      back(n, y.p, dy.p, da.p, db.p);
      back(n, y.p, dy.p, nullptr, d2.p);
      std::copy(dy.p, dy.p + n, inplace.p);
      back(n, y.p, inplace.p, inplace.p, nullptr);
      std::vector<float> out;
      for (const View* v : {&y, &da, &db, &d2, &inplace}) out.insert(out.end(), v->p, v->p + n);
      return out;
    };
    const std::vector<float> want = run(add_relu_reference, relu_grad_split_reference);
    // The unfused ops: y = a + b, then relu; dx = dy where y > 0, else 0 (each input a copy).
    auto unfused = [&] {
      std::vector<float> out(5 * n);
      for (size_t i = 0; i < n; ++i) {
        const float s = a.p[i] + b.p[i];
        const float y = std::isnan(s) ? s : (s > 0.0f ? s : 0.0f);
        const float g = y > 0.0f ? dy.p[i] : 0.0f;
        out[i] = y;
        for (size_t k = 1; k < 5; ++k) out[k * n + i] = g;
      }
      return out;
    }();
    CHECK(same_bits(unfused.data(), want.data(), 5 * n));
    if (n > 3) CHECK(std::isnan(want[1]) && std::signbit(want[2]) == false && want[2] == 0.0f && want[3] == 0.0f);
    vs_reference(5 * n, [&] { return want; }, [&] { return run(add_relu, relu_grad_split); });
  }
}

TEST(dropout_vector_kernel_matches_the_scalar_reference_bit_for_bit) {
  for (size_t n : testing::tail_sizes()) {
    if (n > 100000) continue;
    View x(n, 41);
    auto drop = [&](auto&& f) {
      View y(n, 0);
      f(n, x.p, 0.3f, 7, 1000, y.p);
      return std::vector<float>(y.p, y.p + n);
    };
    vs_reference(n, [&] { return drop(dropout_forward_reference); }, [&] { return drop(dropout_forward); });
  }
}

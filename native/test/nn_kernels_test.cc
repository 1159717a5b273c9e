// Every ISA's nn kernels (activations forward/backward, column sums,
// finiteness, losses) against plain double-precision references, on shapes
// that hit every vector tail, at unaligned offsets, with guard floats.
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "../src/core/thread_pool.h"
#include "../src/kernels/nn/nn_ops.h"
#include "../src/kernels/nn/nn_table.h"
#include "../src/simd/dispatch.h"
#include "test_framework.h"
#include "test_util.h"

using namespace simdtrain;

namespace {

const NnActKernels& act_table(Isa isa) { return *SIMDTRAIN_TABLE_FOR(isa, kNnActKernels); }

const std::vector<size_t> kCols = {0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 65};
const std::vector<size_t> kRows = {0, 1, 3, 5};

double phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double ref_act(int act, double x, double alpha) {
  switch (act) {
    case kActRelu: return x > 0 ? x : 0;
    case kActLeakyRelu: return x > 0 ? x : alpha * x;
    case kActSigmoid: return 1.0 / (1.0 + std::exp(-x));
    case kActTanh: return std::tanh(x);
    case kActGelu: return x * phi(x);
    default: return x;
  }
}

double ref_act_grad(int act, double x, double alpha) {
  switch (act) {
    case kActRelu: return x > 0 ? 1 : 0;
    case kActLeakyRelu: return x > 0 ? 1 : alpha;
    case kActSigmoid: { const double s = 1.0 / (1.0 + std::exp(-x)); return s * (1 - s); }
    case kActTanh: { const double t = std::tanh(x); return 1 - t * t; }
    case kActGelu: return phi(x) + x * std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
    default: return 1;
  }
}

// Pre-activations over roughly [-12, 12) so exp's range reduction is exercised.
std::vector<float> inputs(size_t n, uint32_t seed) {
  std::vector<float> v = testing::random_floats(n, seed);
  for (auto& f : v) f *= 12.0f;
  return v;
}

}  // namespace

TEST(nn_bias_act_matches_reference_on_every_isa) {
  const float alpha = 0.1f;
  for (auto isa : testing::runnable_isas()) {
    for (int act = 0; act < kActCount; ++act) {
      for (size_t rows : kRows) {
        for (size_t cols : kCols) {
          const size_t n = rows * cols, guard = 17;
          std::vector<float> x = inputs(n + 1, 3 + static_cast<uint32_t>(cols));
          std::vector<float> bias = testing::random_floats(cols + 1, 5);
          std::vector<float> y(n + 1 + guard, -7.5f);
          act_table(isa).bias_act(rows, cols, x.data() + 1, bias.data() + 1, y.data() + 1, act, alpha);
          CHECK(y[0] == -7.5f);
          for (size_t i = n + 1; i < y.size(); ++i) CHECK(y[i] == -7.5f);
          for (size_t r = 0; r < rows; ++r) {
            double m = -1e300, s = 0;
            std::vector<double> z(cols);
            for (size_t j = 0; j < cols; ++j) {
              z[j] = static_cast<double>(x[1 + r * cols + j] + bias[1 + j]);
              m = std::max(m, z[j]);
            }
            for (size_t j = 0; j < cols; ++j) s += std::exp(z[j] - m);
            for (size_t j = 0; j < cols; ++j) {
              const double want = act == kActSoftmax ? std::exp(z[j] - m) / s : ref_act(act, z[j], alpha);
              CHECK_NEAR(y[1 + r * cols + j], want, 1e-7 + 1e-6 * std::fabs(want));
            }
          }
        }
      }
    }
  }
}

TEST(nn_act_backward_matches_reference_on_every_isa) {
  const float alpha = 0.2f;
  for (auto isa : testing::runnable_isas()) {
    for (int act = 0; act < kActCount; ++act) {
      for (size_t rows : kRows) {
        for (size_t cols : kCols) {
          const size_t n = rows * cols;
          std::vector<float> x = inputs(n + 2, 7 + static_cast<uint32_t>(rows));
          std::vector<float> y(n + 2), dy = testing::random_floats(n + 2, 9), dx(n + 2 + 9, -7.5f);
          act_table(isa).bias_act(rows, cols, x.data() + 2, nullptr, y.data() + 2, act, alpha);
          act_table(isa).act_backward(rows, cols, x.data() + 2, y.data() + 2, dy.data() + 2, dx.data() + 2, act, alpha);
          CHECK(dx[0] == -7.5f && dx[1] == -7.5f);
          for (size_t i = n + 2; i < dx.size(); ++i) CHECK(dx[i] == -7.5f);
          for (size_t r = 0; r < rows; ++r) {
            double dot = 0;
            for (size_t j = 0; j < cols; ++j) dot += static_cast<double>(dy[2 + r * cols + j]) * y[2 + r * cols + j];
            for (size_t j = 0; j < cols; ++j) {
              const size_t i = 2 + r * cols + j;
              const double want = act == kActSoftmax ? y[i] * (dy[i] - dot) : dy[i] * ref_act_grad(act, x[i], alpha);
              CHECK_NEAR(dx[i], want, 2e-7 + 2e-6 * std::fabs(want));
            }
          }
        }
      }
    }
  }
}

TEST(nn_exp_based_activations_handle_extremes) {
  const std::vector<float> x = {-1000.f, -100.f, -88.f, -87.f, -20.f, -1e-6f, 0.f, 1e-6f, 0.39f, 0.41f, 20.f, 88.f, 88.7f, 100.f, 1000.f};
  for (auto isa : testing::runnable_isas()) {
    std::vector<float> y(x.size());
    act_table(isa).bias_act(1, x.size(), x.data(), nullptr, y.data(), kActSigmoid, 0);
    for (size_t i = 0; i < x.size(); ++i) CHECK_NEAR(y[i], 1.0 / (1.0 + std::exp(-static_cast<double>(x[i]))), 1e-37 + 1e-6 * y[i]);
    act_table(isa).bias_act(1, x.size(), x.data(), nullptr, y.data(), kActTanh, 0);
    for (size_t i = 0; i < x.size(); ++i) CHECK_NEAR(y[i], std::tanh(static_cast<double>(x[i])), 1e-12 + 1e-6 * std::fabs(y[i]));
    act_table(isa).bias_act(1, x.size(), x.data(), nullptr, y.data(), kActGelu, 0);
    for (size_t i = 0; i < x.size(); ++i) CHECK_NEAR(y[i], x[i] * phi(x[i]), 1e-30 + 1e-6 * std::fabs(y[i]));
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> xs = {nan, 1.f}, ys(2);
    act_table(isa).bias_act(1, 2, xs.data(), nullptr, ys.data(), kActSigmoid, 0);
    CHECK(std::isnan(ys[0]));
    // ReLU keeps NaN and gives +0 for -0 (Math.max(0, x): the tfjs backend's Relu runs this kernel).
    std::vector<float> rx = {nan, -0.0f, -2.f, 3.f}, ry(4);
    act_table(isa).bias_act(1, 4, rx.data(), nullptr, ry.data(), kActRelu, 0);
    CHECK(std::isnan(ry[0]));
    CHECK(ry[1] == 0.0f && !std::signbit(ry[1]));
    CHECK(ry[2] == 0.0f && !std::signbit(ry[2]));
    CHECK(ry[3] == 3.f);
  }
}

namespace {
bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}
}  // namespace

// The fused pass against the two passes it replaces (each tested above
// against the double reference) on the same ISA, bit for bit: every
// element-wise activation, tails, unaligned views, in place, accumulating or
// not, every ISA, 1 and 2 threads. ReLU and linear (exact on every ISA) also
// match the scalar ISA's two passes.
TEST(nn_act_backward_col_sums_same_bits_as_the_two_passes) {
  const float alpha = 0.2f;
  for (int act = 0; act < kActCount; ++act) {
    if (act == kActSoftmax) continue;
    for (size_t rows : {0, 1, 5, 300}) {
      for (size_t cols : {1, 3, 16, 17, 33, 64, 200}) {
        const size_t n = rows * cols;
        const std::vector<float> x = inputs(n + 1, 21 + static_cast<uint32_t>(cols));
        const std::vector<float> dy = testing::random_floats(n + 1, 23), sums0 = testing::random_floats(cols + 1, 25);
        for (bool accumulate : {false, true}) {
          // Two passes on `isa`, 1 thread: dx then its column sums.
          auto two_passes = [&](Isa isa, std::vector<float>& y, std::vector<float>& dx, std::vector<float>& sums) {
            set_active_isa(isa);
            set_num_threads(1);
            y.assign(n + 1, 0.0f);
            dx = dy;
            sums = sums0;
            nn_bias_act(rows, cols, x.data() + 1, nullptr, y.data() + 1, act, alpha);
            nn_act_backward(rows, cols, x.data() + 1, y.data() + 1, dx.data() + 1, dx.data() + 1, act, alpha);
            nn_col_sums(rows, cols, dx.data() + 1, sums.data() + 1, accumulate);
          };
          std::vector<float> y0, dx0, sums0_ref;
          two_passes(Isa::scalar, y0, dx0, sums0_ref);
          for (auto isa : testing::runnable_isas()) {
            std::vector<float> y, want_dx, want_sums;
            two_passes(isa, y, want_dx, want_sums);
            if (act == kActRelu || act == kActLinear) CHECK(same_bits(want_dx, dx0) && same_bits(want_sums, sums0_ref));
            for (int threads : {1, 2}) {
              set_active_isa(isa);
              set_num_threads(threads);
              std::vector<float> got_dx(dy), got_sums(sums0);
              nn_act_backward_col_sums(rows, cols, x.data() + 1, y.data() + 1, got_dx.data() + 1, got_dx.data() + 1, act,
                                       alpha, got_sums.data() + 1, accumulate);
              CHECK(same_bits(got_dx, want_dx) && same_bits(got_sums, want_sums));
            }
          }
        }
      }
    }
  }
  set_active_isa(best_supported_isa());
  set_num_threads(2);
}

TEST(nn_col_sums_same_bits_on_every_isa_and_thread_count) {
  for (size_t rows : {0, 1, 5, 300}) {
    for (size_t cols : {1, 3, 16, 17, 33, 64, 200, 1000}) {
      std::vector<float> x = testing::random_floats(rows * cols, 13);
      std::vector<float> ref(cols, 0.5f);
      for (size_t j = 0; j < cols; ++j) {
        float acc = 0.5f;
        for (size_t r = 0; r < rows; ++r) acc += x[r * cols + j];
        ref[j] = acc;
      }
      for (auto isa : testing::runnable_isas()) {
        for (int threads : {1, 2}) {
          set_active_isa(isa);
          set_num_threads(threads);
          std::vector<float> out(cols, 0.5f);
          nn_col_sums(rows, cols, x.data(), out.data(), true);
          CHECK(out == ref);
          nn_col_sums(rows, cols, x.data(), out.data(), false);
          for (size_t j = 0; j < cols; ++j) CHECK_NEAR(out[j], ref[j] - 0.5, 1e-5 * (rows + 1));
        }
      }
    }
  }
  set_active_isa(best_supported_isa());
  set_num_threads(2);
}

TEST(nn_all_finite_on_every_isa) {
  for (auto isa : testing::runnable_isas()) {
    for (size_t n : testing::tail_sizes()) {
      std::vector<float> x = testing::random_floats(n, 3);
      CHECK(act_table(isa).all_finite(n, x.data()));
      if (n == 0) continue;
      for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()}) {
        x[n - 1] = bad;
        CHECK(!act_table(isa).all_finite(n, x.data()));
        x[n - 1] = 0;
        x[n / 2] = bad;
        CHECK(!act_table(isa).all_finite(n, x.data()));
        x[n / 2] = 0;
      }
    }
  }
}

// Every ISA's fused losses against double-precision references: values,
// gradients, accuracy counts, stability on huge logits.
#include <cmath>
#include <vector>

#include "../src/core/thread_pool.h"
#include "../src/kernels/nn/nn_ops.h"
#include "../src/kernels/nn/nn_table.h"
#include "../src/simd/dispatch.h"
#include "test_framework.h"
#include "test_util.h"

using namespace simdtrain;

namespace {

const NnLossKernels& table(Isa isa) { return *SIMDTRAIN_TABLE_FOR(isa, kNnLossKernels); }

struct RefXent {
  double loss = 0;
  std::vector<double> grad;
};

// Cross-entropy of softmax(z) against t per row, in double; grad = scale*(p*sum t - t).
RefXent ref_xent(size_t rows, size_t cols, const float* z, const std::vector<double>& t, double scale) {
  RefXent out;
  out.grad.resize(rows * cols);
  for (size_t r = 0; r < rows; ++r) {
    double m = -1e300, s = 0, ts = 0;
    for (size_t j = 0; j < cols; ++j) m = std::max(m, static_cast<double>(z[r * cols + j]));
    for (size_t j = 0; j < cols; ++j) s += std::exp(z[r * cols + j] - m);
    const double lse = m + std::log(s);
    for (size_t j = 0; j < cols; ++j) ts += t[r * cols + j];
    for (size_t j = 0; j < cols; ++j) {
      out.loss += t[r * cols + j] * (lse - z[r * cols + j]);
      out.grad[r * cols + j] = scale * (std::exp(z[r * cols + j] - lse) * ts - t[r * cols + j]);
    }
  }
  return out;
}

}  // namespace

TEST(nn_softmax_xent_matches_reference_on_every_isa) {
  for (auto isa : testing::runnable_isas()) {
    for (size_t rows : {1, 3, 7}) {
      for (size_t cols : {1, 2, 3, 7, 8, 10, 15, 16, 17, 33, 64}) {
        std::vector<float> z = testing::random_floats(rows * cols + 1, 21 + static_cast<uint32_t>(cols));
        for (auto& v : z) v *= 10;
        z[1] = 500.0f;  // huge logit: must stay finite
        std::vector<int32_t> labels(rows);
        std::vector<double> onehot(rows * cols, 0.0);
        for (size_t r = 0; r < rows; ++r) {
          labels[r] = static_cast<int32_t>((r * 7 + 3) % cols);
          onehot[r * cols + labels[r]] = 1;
        }
        const double scale = 1.0 / rows;
        const RefXent ref = ref_xent(rows, cols, z.data() + 1, onehot, scale);
        std::vector<float> g(rows * cols + 1 + 8, -7.5f);
        size_t correct = 0;
        const double loss = table(isa).softmax_xent_labels(rows, cols, z.data() + 1, labels.data(), static_cast<float>(scale), g.data() + 1, &correct);
        CHECK(std::isfinite(loss));
        CHECK_NEAR(loss, ref.loss, 1e-5 * (1 + std::fabs(ref.loss)));
        CHECK(g[0] == -7.5f && g.back() == -7.5f);
        for (size_t i = 0; i < rows * cols; ++i) CHECK_NEAR(g[i + 1], ref.grad[i], 1e-6);
        size_t want_correct = 0;
        for (size_t r = 0; r < rows; ++r) {
          size_t best = 0;
          for (size_t j = 1; j < cols; ++j) best = z[1 + r * cols + j] > z[1 + r * cols + best] ? j : best;
          want_correct += best == static_cast<size_t>(labels[r]);
        }
        CHECK(correct == want_correct);

        // Soft targets: a distribution per row.
        std::vector<float> t = testing::random_floats(rows * cols, 5);
        std::vector<double> td(rows * cols);
        for (size_t r = 0; r < rows; ++r) {
          double s = 0;
          for (size_t j = 0; j < cols; ++j) s += (td[r * cols + j] = std::fabs(t[r * cols + j]) + 0.01);
          for (size_t j = 0; j < cols; ++j) t[r * cols + j] = static_cast<float>(td[r * cols + j] /= s);
        }
        for (auto& v : td) v = static_cast<double>(static_cast<float>(v));
        const RefXent ref2 = ref_xent(rows, cols, z.data() + 1, td, scale);
        const double loss2 = table(isa).softmax_xent_probs(rows, cols, z.data() + 1, t.data(), static_cast<float>(scale), g.data() + 1);
        CHECK_NEAR(loss2, ref2.loss, 1e-5 * (1 + std::fabs(ref2.loss)));
        for (size_t i = 0; i < rows * cols; ++i) CHECK_NEAR(g[i + 1], ref2.grad[i], 1e-6);
      }
    }
  }
}

TEST(nn_mse_and_bce_match_reference_on_every_isa) {
  for (auto isa : testing::runnable_isas()) {
    for (size_t n : testing::tail_sizes()) {
      if (n > 100000) continue;
      std::vector<float> p = testing::random_floats(n + 1, 31), t = testing::random_floats(n + 1, 37);
      for (auto& v : p) v *= 30;  // logits up to +-30 for BCE
      for (auto& v : t) v = v * 0.5f + 0.5f;
      std::vector<float> g(n + 1 + 8, -7.5f);
      const double scale = 1.0 / (n + 1);
      double want = 0, mag = 0;
      for (size_t i = 0; i < n; ++i) { const double d = static_cast<double>(p[i + 1]) - t[i + 1]; want += d * d; mag += d * d; }
      CHECK_NEAR(table(isa).mse(n, p.data() + 1, t.data() + 1, static_cast<float>(scale), g.data() + 1), want, 1e-6 * (mag + 1) * std::sqrt(n + 1.0));
      for (size_t i = 0; i < n; ++i) CHECK_NEAR(g[i + 1], 2 * scale * (static_cast<double>(p[i + 1]) - t[i + 1]), 1e-6 * (1 + std::fabs(g[i + 1])));
      CHECK(g[0] == -7.5f && g[n + 1] == -7.5f);

      want = 0;
      for (size_t i = 0; i < n; ++i) {
        const double z = p[i + 1], tt = t[i + 1];
        want += std::max(z, 0.0) - z * tt + std::log1p(std::exp(-std::fabs(z)));
      }
      CHECK_NEAR(table(isa).bce_logits(n, p.data() + 1, t.data() + 1, static_cast<float>(scale), g.data() + 1), want, 1e-6 * (want + 1) * std::sqrt(n + 1.0));
      for (size_t i = 0; i < n; ++i) {
        const double z = p[i + 1];
        CHECK_NEAR(g[i + 1], scale * (1 / (1 + std::exp(-z)) - t[i + 1]), 1e-7 * (1 + scale));
      }
      CHECK(g[n + 1] == -7.5f);
    }
  }
}

TEST(nn_loss_sum_does_not_depend_on_thread_count) {
  const size_t rows = 1000, cols = 10;
  std::vector<float> z = testing::random_floats(rows * cols, 3);
  std::vector<int32_t> labels(rows);
  for (size_t r = 0; r < rows; ++r) labels[r] = static_cast<int32_t>(r % cols);
  std::vector<float> g1(rows * cols), g2(rows * cols);
  set_num_threads(1);
  const LossResult a = nn_loss(kLossSoftmaxXent, rows, cols, z.data(), labels.data(), nullptr, 1e-3f, g1.data());
  set_num_threads(2);
  const LossResult b = nn_loss(kLossSoftmaxXent, rows, cols, z.data(), labels.data(), nullptr, 1e-3f, g2.data());
  CHECK(a.sum == b.sum && a.correct == b.correct && g1 == g2);
}

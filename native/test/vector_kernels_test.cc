// Every ISA's vector kernels against a plain double-precision loop, on sizes
// that hit every tail and at an odd (unaligned) offset.
#include <cmath>
#include <vector>

#include "../src/core/thread_pool.h"
#include "../src/kernels/vector/vector_ops.h"
#include "../src/kernels/vector/vector_table.h"
#include "../src/simd/dispatch.h"
#include "test_framework.h"
#include "test_util.h"

using simdtrain::VectorKernels;

namespace {

const VectorKernels& table(simdtrain::Isa isa) { return *SIMDTRAIN_TABLE_FOR(isa, kVectorKernels); }

// Reductions: float lanes vs a double loop; allow sqrt(n) float ulps of the
// sum of magnitudes.
double reduce_tol(size_t n, double magnitude) { return 1e-6 * std::sqrt(static_cast<double>(n) + 1) * (magnitude + 1); }

}  // namespace

TEST(vector_elementwise_matches_reference_on_every_isa) {
  for (auto isa : testing::runnable_isas()) {
    for (size_t n : testing::tail_sizes()) {
      // Offset by one float so vectors are never 16/32/64-byte aligned; guard
      // floats after the end must stay untouched.
      const size_t guard = 20;
      std::vector<float> xs = testing::random_floats(n + 1 + guard, 7);
      std::vector<float> ys = testing::random_floats(n + 1 + guard, 11);
      std::vector<float> y_ref = ys;
      float* x = xs.data() + 1;
      float* y = ys.data() + 1;

      table(isa).axpy(n, 0.75f, x, y);
      for (size_t i = 0; i < n; ++i) y_ref[i + 1] = static_cast<float>(0.75 * x[i] + y_ref[i + 1]);
      for (size_t i = 0; i < n + 1 + guard; ++i) CHECK_NEAR(ys[i], y_ref[i], 1e-6);

      std::vector<float> before = ys;
      table(isa).scale(y, n, -2.5f);
      for (size_t i = 0; i < n; ++i) CHECK(y[i] == before[i + 1] * -2.5f);
      for (size_t i = n + 1; i < n + 1 + guard; ++i) CHECK(ys[i] == before[i]);

      table(isa).fill(y, n, 3.25f);
      for (size_t i = 0; i < n; ++i) CHECK(y[i] == 3.25f);
      CHECK(ys[0] == before[0]);
      for (size_t i = n + 1; i < n + 1 + guard; ++i) CHECK(ys[i] == before[i]);
    }
  }
}

TEST(vector_reductions_match_double_reference_on_every_isa) {
  for (auto isa : testing::runnable_isas()) {
    for (size_t n : testing::tail_sizes()) {
      std::vector<float> xs = testing::random_floats(n + 3, 3);
      std::vector<float> ys = testing::random_floats(n + 3, 5);
      const float* x = xs.data() + 3;
      const float* y = ys.data() + 3;
      double dot = 0, sum = 0, sq = 0, mag = 0;
      for (size_t i = 0; i < n; ++i) {
        dot += static_cast<double>(x[i]) * y[i];
        sum += x[i];
        sq += static_cast<double>(x[i]) * x[i];
        mag += std::fabs(x[i]);
      }
      CHECK_NEAR(table(isa).dot(n, x, y), dot, reduce_tol(n, mag));
      CHECK_NEAR(table(isa).sum(n, x), sum, reduce_tol(n, mag));
      CHECK_NEAR(table(isa).sum_sq(n, x), sq, reduce_tol(n, mag));
    }
  }
}

TEST(threaded_reductions_do_not_depend_on_thread_count) {
  const size_t n = 1000003;
  std::vector<float> x = testing::random_floats(n, 99);
  for (auto isa : testing::runnable_isas()) {
    simdtrain::set_active_isa(isa);
    simdtrain::set_num_threads(1);
    const double one = simdtrain::vec_sum_sq(n, x.data());
    simdtrain::set_num_threads(2);
    const double two = simdtrain::vec_sum_sq(n, x.data());
    simdtrain::set_num_threads(3);
    const double three = simdtrain::vec_sum_sq(n, x.data());
    CHECK(one == two);
    CHECK(one == three);
  }
  simdtrain::set_active_isa(simdtrain::best_supported_isa());
  simdtrain::set_num_threads(2);
}

TEST(threaded_axpy_matches_single_threaded) {
  const size_t n = 1000003;
  std::vector<float> x = testing::random_floats(n, 1);
  std::vector<float> a = testing::random_floats(n, 2), b = a;
  simdtrain::set_num_threads(1);
  simdtrain::vec_axpy(n, 0.5f, x.data(), a.data());
  simdtrain::set_num_threads(2);
  simdtrain::vec_axpy(n, 0.5f, x.data(), b.data());
  CHECK(a == b);
}

// Vector primitives: every ISA vs the scalar table on exact-size heap buffers
// (so ASan sees any read or write past the end).
#include <cmath>
#include <vector>

#include "../src/kernels/vector/vector_table.h"
#include "../src/simd/cpu_features.h"
#include "fuzz_input.h"

namespace {

using simdtrain::Isa;

void fuzz_vector(fuzz::Input& in) {
  const size_t n = in.size(4096);
  const float alpha = in.value(4.0f);
  const std::vector<float> x = in.floats(n, 100.0f);
  const std::vector<float> y0 = in.floats(n, 100.0f);
  const auto& ref = simdtrain::scalar::kVectorKernels;

  std::vector<float> y_ref = y0;
  ref.axpy(n, alpha, x.data(), y_ref.data());
  double magnitude = 0;
  for (size_t i = 0; i < n; ++i) magnitude += std::fabs(x[i]) * (std::fabs(y0[i]) + 1);

  for (int i = 1; i < simdtrain::kIsaCount; ++i) {
    const Isa isa = static_cast<Isa>(i);
    const auto* table = SIMDTRAIN_TABLE_FOR(isa, kVectorKernels);
    if (!table || !simdtrain::cpu_supports(isa)) continue;
    const char* name = simdtrain::isa_name(isa);

    std::vector<float> y = y0;
    table->axpy(n, alpha, x.data(), y.data());
    for (size_t k = 0; k < n; ++k) {
      // FMA vs mul+add: at most one rounding of |alpha*x| + |y| apart.
      const double tol = 1.2e-7 * (std::fabs(alpha * x[k]) + std::fabs(y0[k])) + 1e-30;
      if (std::fabs(y[k] - y_ref[k]) > tol) fuzz::mismatch("axpy", name, n, y[k], y_ref[k]);
    }
    std::vector<float> s = y0;
    table->scale(s.data(), n, alpha);
    for (size_t k = 0; k < n; ++k) {
      if (s[k] != y0[k] * alpha) fuzz::mismatch("scale", name, n, s[k], y0[k] * alpha);
    }
    table->fill(s.data(), n, alpha);
    for (size_t k = 0; k < n; ++k) {
      if (s[k] != alpha) fuzz::mismatch("fill", name, n, s[k], alpha);
    }
    const double tol = 1e-6 * std::sqrt(static_cast<double>(n) + 1) * (magnitude + 1);
    const double dot = table->dot(n, x.data(), y0.data()), dot_ref = ref.dot(n, x.data(), y0.data());
    if (std::fabs(dot - dot_ref) > tol) fuzz::mismatch("dot", name, n, dot, dot_ref);
    const double sum = table->sum(n, x.data()), sum_ref = ref.sum(n, x.data());
    if (std::fabs(sum - sum_ref) > tol) fuzz::mismatch("sum", name, n, sum, sum_ref);
    const double sq = table->sum_sq(n, x.data()), sq_ref = ref.sum_sq(n, x.data());
    if (std::fabs(sq - sq_ref) > 1e-6 * std::sqrt(static_cast<double>(n) + 1) * (sq_ref + 1)) fuzz::mismatch("sum_sq", name, n, sq, sq_ref);
  }
}

fuzz::TargetRegistrar registrar("vector", fuzz_vector);

}  // namespace

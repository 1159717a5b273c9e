// Shared by the GEMM C++ tests: builds one random problem (padded leading
// dimensions, guard floats after C), runs a GEMM on it and checks every
// element against gemm_reference with the OpenBLAS-like bound
//   |C - C_ref| <= 2e-6 * sqrt(K) * (|alpha| sum|a||b| + |beta||C0| + |bias|),
// and that no float of C outside the m x n window changed.
#pragma once

#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "../src/kernels/gemm/gemm.h"
#include "test_util.h"

namespace testing {

struct GemmCase {
  bool ta = false, tb = false;
  size_t m = 0, n = 0, k = 0;
  float alpha = 1.0f, beta = 0.0f;
  size_t pad = 0;  // extra floats per stored row of A, B and C
  bool bias = false, relu = false;
  bool nan_c = false;  // fill C with NaN (only meaningful with beta == 0)
};

inline std::string describe(const GemmCase& c) {
  return std::string(c.ta ? "T" : "N") + (c.tb ? "T" : "N") + " m=" + std::to_string(c.m) + " n=" +
         std::to_string(c.n) + " k=" + std::to_string(c.k) + " alpha=" + std::to_string(c.alpha) +
         " beta=" + std::to_string(c.beta) + " pad=" + std::to_string(c.pad) + (c.bias ? " bias" : "") +
         (c.relu ? " relu" : "") + (c.nan_c ? " nanC" : "");
}

// Runs `gemm` on the case; returns "" when every check passes, else the first problem.
inline std::string check_gemm_case(const GemmCase& t, uint32_t seed,
                                   const std::function<void(const simdtrain::GemmArgs&)>& gemm) {
  using simdtrain::GemmArgs;
  const size_t a_rows = t.ta ? t.k : t.m, a_cols = t.ta ? t.m : t.k;
  const size_t b_rows = t.tb ? t.n : t.k, b_cols = t.tb ? t.k : t.n;
  GemmArgs g;
  g.trans_a = t.ta;
  g.trans_b = t.tb;
  g.m = t.m, g.n = t.n, g.k = t.k;
  g.alpha = t.alpha, g.beta = t.beta;
  g.lda = a_cols + t.pad + (a_cols == 0);
  g.ldb = b_cols + t.pad + (b_cols == 0);
  g.ldc = t.n + t.pad + (t.n == 0);
  const size_t guard = 37;
  std::vector<float> a = random_floats(a_rows * g.lda + 1, seed);
  std::vector<float> b = random_floats(b_rows * g.ldb + 1, seed * 3 + 1);
  std::vector<float> c0 = random_floats(t.m * g.ldc + guard, seed * 7 + 2);
  if (t.nan_c) {
    for (size_t i = 0; i < t.m; ++i)
      for (size_t j = 0; j < t.n; ++j) c0[i * g.ldc + j] = NAN;
  }
  std::vector<float> bias = random_floats(t.n + 1, seed * 11 + 3);
  std::vector<float> c = c0, ref = c0;
  g.a = a.data();
  g.b = b.data();
  if (t.bias) g.epilogue.bias = bias.data();
  if (t.relu) g.epilogue.activation = simdtrain::Activation::relu;
  g.c = c.data();
  gemm(g);
  g.c = ref.data();
  simdtrain::gemm_reference(g);
  for (size_t i = 0; i < c.size(); ++i) {
    const size_t row = i / g.ldc, col = i % g.ldc;
    if (row >= t.m || col >= t.n) {
      if (std::memcmp(&c[i], &c0[i], sizeof(float)) != 0) return "wrote outside C at float " + std::to_string(i);
      continue;
    }
    double mag = t.beta != 0.0f ? std::fabs(t.beta * static_cast<double>(c0[i])) : 0.0;
    if (t.alpha != 0.0f) {
      for (size_t p = 0; p < t.k; ++p) {
        const double av = t.ta ? a[p * g.lda + row] : a[row * g.lda + p];
        const double bv = t.tb ? b[col * g.ldb + p] : b[p * g.ldb + col];
        mag += std::fabs(t.alpha * av * bv);
      }
    }
    if (t.bias) mag += std::fabs(bias[col]);
    const double tol = 2e-6 * std::sqrt(static_cast<double>(t.k > 1 ? t.k : 1)) * mag;
    if (std::isnan(ref[i]) != std::isnan(c[i]) || std::fabs(c[i] - static_cast<double>(ref[i])) > tol) {
      return "C[" + std::to_string(row) + "," + std::to_string(col) + "] = " + std::to_string(c[i]) +
             ", reference " + std::to_string(ref[i]) + " (tol " + std::to_string(tol) + ")";
    }
  }
  return "";
}

}  // namespace testing

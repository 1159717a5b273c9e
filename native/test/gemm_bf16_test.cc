// bf16 GEMM: every available path against the exact emulation (same bits
// where the summation order is the same; the `emulate` path against the fp32
// GEMM on bf16-rounded inputs, its definition), both against fp64
// references of the bf16-rounded inputs (fp32 accumulation bound) and of the
// original inputs (the bf16 bound of docs/bf16.md), tails of every block
// size, all transposes, the epilogue, K split into blocks, 1 and 2 threads.
#include <cfloat>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "../src/core/thread_pool.h"
#include "../src/kernels/gemm_bf16/bf16.h"
#include "../src/kernels/gemm_bf16/bf16_emulate_table.h"
#include "../src/kernels/gemm_bf16/gemm_bf16.h"
#include "test_framework.h"
#include "test_util.h"

using simdtrain::Bf16Order;
using simdtrain::Bf16Path;
using simdtrain::GemmArgs;

namespace {

std::vector<Bf16Path> runnable_paths() {
  std::vector<Bf16Path> out;
  for (Bf16Path p : {Bf16Path::emulate, Bf16Path::avx512bf16, Bf16Path::amx}) {
    if (simdtrain::bf16_path_available(p, nullptr)) out.push_back(p);
  }
  return out;
}

Bf16Order order_of(Bf16Path p) { return p == Bf16Path::avx512bf16 ? Bf16Order::odd_first : Bf16Order::even_first; }
// TDPBF16PS does not add its products one at a time in either order
// (measured on Sapphire Rapids: neither emulation order gives its bits), so
// AMX is held to the error bounds instead of the emulation's bits.
bool bits_known(Bf16Path p) { return p != Bf16Path::amx; }

struct Problem {
  GemmArgs g;
  std::vector<float> a, b, c0, bias;
};

Problem make(bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, float beta, bool bias, bool relu, uint32_t seed) {
  Problem p;
  GemmArgs& g = p.g;
  g.trans_a = ta, g.trans_b = tb, g.m = m, g.n = n, g.k = k, g.alpha = alpha, g.beta = beta;
  g.lda = (ta ? m : k) + 3;
  g.ldb = (tb ? k : n) + 1;
  g.ldc = n + 2;
  p.a = testing::random_floats((ta ? k : m) * g.lda + 1, seed);
  p.b = testing::random_floats((tb ? n : k) * g.ldb + 1, seed * 5 + 1);
  p.c0 = testing::random_floats(m * g.ldc + 7, seed * 9 + 2);
  p.bias = testing::random_floats(n, seed * 13 + 3);
  g.a = p.a.data();
  g.b = p.b.data();
  if (bias) g.epilogue.bias = p.bias.data();
  if (relu) g.epilogue.activation = simdtrain::Activation::relu;
  g.precision = simdtrain::Precision::bf16;
  return p;
}

std::vector<float> run_on(Bf16Path path, Problem& p) {
  std::vector<float> c = p.c0;
  p.g.c = c.data();
  CHECK(simdtrain::sgemm_bf16_on(path, p.g));
  return c;
}

std::vector<float> emulate(Problem& p, Bf16Order order) {
  std::vector<float> c = p.c0;
  p.g.c = c.data();
  simdtrain::gemm_bf16_emulate(p.g, order);
  return c;
}

// The `emulate` path's definition: the fp32 sgemm on bf16_round copies of A
// and B (rounded here by the scalar bf16.h, stored with the same layout).
std::vector<float> fp32_on_rounded(Problem& p) {
  std::vector<float> a = p.a, b = p.b, c = p.c0;
  for (float& x : a) x = simdtrain::bf16_round(x);
  for (float& x : b) x = simdtrain::bf16_round(x);
  GemmArgs g = p.g;
  g.a = a.data();
  g.b = b.data();
  g.c = c.data();
  g.precision = simdtrain::Precision::fp32;
  simdtrain::sgemm(g);
  return c;
}

// The bits a path must give: the fp32 GEMM on rounded inputs for `emulate`,
// the exact emulation in the instruction's pair order for the others.
std::vector<float> expected_bits(Bf16Path path, Problem& p) {
  return path == Bf16Path::emulate ? fp32_on_rounded(p) : emulate(p, order_of(path));
}

float elem(const std::vector<float>& x, size_t ld, bool trans, size_t i, size_t k) {
  return trans ? x[k * ld + i] : x[i * ld + k];
}

// Checks the emulation's C against fp64 sums: of the rounded inputs with the
// fp32 accumulation bound (k + 2) u sum|ab| (u = 2^-24), and of the original
// inputs with the bf16 bound (2^-7 + 2^-16 + (k + 2) u) sum|ab|; plus the
// rounding of the fp32 epilogue. Returns "" or the first failure.
std::string check_bounds(const Problem& p, const std::vector<float>& c) {
  const GemmArgs& g = p.g;
  const double u = std::ldexp(1.0, -24);
  for (size_t i = 0; i < g.m; ++i) {
    for (size_t j = 0; j < g.n; ++j) {
      double rounded = 0, exact = 0, mag = 0;
      for (size_t q = 0; q < g.k; ++q) {
        const float a = elem(p.a, g.lda, g.trans_a, i, q), b = elem(p.b, g.ldb, !g.trans_b, j, q);
        rounded += static_cast<double>(simdtrain::bf16_round(a)) * simdtrain::bf16_round(b);
        exact += static_cast<double>(a) * b;
        mag += std::fabs(static_cast<double>(a) * b);
      }
      const double c0 = p.c0[i * g.ldc + j];
      const double rest = (g.beta != 0.0f ? g.beta * c0 : 0.0) + (g.epilogue.bias ? g.epilogue.bias[j] : 0.0);
      const double rest_mag = std::fabs(g.beta * c0) + (g.epilogue.bias ? std::fabs(g.epilogue.bias[j]) : 0.0) +
                              1.02 * std::fabs(g.alpha) * mag;
      const double got = c[i * g.ldc + j];
      for (int which = 0; which < 2; ++which) {
        double want = g.alpha * (which ? exact : rounded) + rest;
        if (g.epilogue.activation == simdtrain::Activation::relu && want < 0) want = 0;
        const double rel = which ? std::ldexp(1.0, -7) + std::ldexp(1.0, -16) + (g.k + 2) * u : (g.k + 2) * u;
        // x1.02: sum|ab| of the rounded inputs may exceed the original one.
        const double tol = rel * 1.02 * std::fabs(g.alpha) * mag + 4 * u * rest_mag + 1e-30;
        if (!(std::fabs(got - want) <= tol)) {
          return std::string(which ? "bf16 bound" : "fp32 bound") + " at (" + std::to_string(i) + "," +
                 std::to_string(j) + "): " + std::to_string(got) + " vs " + std::to_string(want);
        }
      }
    }
  }
  return "";
}

bool same_bits(const std::vector<float>& x, const std::vector<float>& y) {
  for (size_t i = 0; i < x.size(); ++i) {
    if (std::memcmp(&x[i], &y[i], 4) != 0 && !(x[i] == 0 && y[i] == 0)) return false;  // +-0 see docs/bf16.md
  }
  return true;
}

}  // namespace

TEST(bf16_rounding_is_nearest_even_keeps_nan_flushes_denormals) {
  using simdtrain::bf16_from_float;
  CHECK(bf16_from_float(1.0f) == 0x3f80);
  CHECK(bf16_from_float(1.0f + std::ldexp(1.0f, -8)) == 0x3f80);                      // tie -> even
  CHECK(bf16_from_float(1.0f + 3 * std::ldexp(1.0f, -8)) == 0x3f82);                  // tie -> even (up)
  CHECK(bf16_from_float(1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20)) == 0x3f81);  // above tie
  CHECK(bf16_from_float(-2.5f) == 0xc020);
  CHECK(bf16_from_float(INFINITY) == 0x7f80);
  CHECK(bf16_from_float(3.4e38f) == 0x7f80);  // rounds to infinity
  CHECK(std::isnan(simdtrain::bf16_round(NAN)));
  uint32_t snan_bits = 0x7f800001u;
  float snan;
  std::memcpy(&snan, &snan_bits, 4);
  CHECK(bf16_from_float(snan) == 0x7fc0);  // low payload NaN stays NaN
  CHECK(bf16_from_float(1e-39f) == 0x0000);
  CHECK(bf16_from_float(-1e-39f) == 0x8000);
}

TEST(bf16_every_path_matches_emulation_bits_and_bounds_on_tails) {
  const size_t ms[] = {1, 7, 9, 16, 17, 33, 47};
  const size_t ns[] = {1, 15, 17, 32, 33, 50};
  const size_t ks[] = {1, 2, 3, 31, 33, 64, 97};
  uint32_t seed = 1;
  for (Bf16Path path : runnable_paths()) {
    for (int t = 0; t < 4; ++t) {
      for (size_t m : ms) {
        for (size_t n : ns) {
          for (size_t k : ks) {
            ++seed;
            const bool epi = seed % 3 == 0;
            Problem p = make(t & 1, t & 2, m, n, k, epi ? -0.75f : 1.0f, epi ? 0.5f : 0.0f, epi, seed % 2 == 0, seed);
            const std::vector<float> c = run_on(path, p);
            const std::vector<float> e = expected_bits(path, p);
            if (bits_known(path) && !same_bits(c, e)) {
              CHECK(!"path differs from its emulation");
              std::printf("  %s t=%d m=%zu n=%zu k=%zu\n", simdtrain::bf16_path_name(path), t, m, n, k);
              return;
            }
            if (path == Bf16Path::emulate || !bits_known(path)) {
              std::string why = check_bounds(p, c);
              // The exact emulation (the hardware paths' reference) too.
              if (why.empty() && path == Bf16Path::emulate) why = check_bounds(p, emulate(p, Bf16Order::even_first));
              if (!why.empty()) {
                CHECK(!"bound exceeded");
                std::printf("  %s t=%d m=%zu n=%zu k=%zu: %s\n", simdtrain::bf16_path_name(path), t, m, n, k, why.c_str());
                return;
              }
            }
          }
        }
      }
    }
  }
}

TEST(bf16_large_blocks_split_k_and_threads_give_the_same_bits) {
  // k = 1100 splits K (kc 512), m = 300 and n = 2100 split M and N blocks.
  const size_t shapes[][3] = {{300, 70, 1100}, {70, 2100, 40}, {129, 129, 513}};
  for (Bf16Path path : runnable_paths()) {
    for (auto& s : shapes) {
      for (int t = 0; t < 4; ++t) {
        Problem p = make(t & 1, t & 2, s[0], s[1], s[2], 1.5f, t == 3 ? 1.0f : 0.0f, true, false, 7 + t);
        const std::vector<float> e = expected_bits(path, p);
        for (int threads : {1, 2}) {
          simdtrain::set_num_threads(threads);
          const std::vector<float> c = run_on(path, p);
          if (!(bits_known(path) ? same_bits(c, e) : check_bounds(p, c).empty())) {
            CHECK(!"large path differs from its emulation (or its bounds)");
            std::printf("  %s %zux%zux%zu t=%d threads=%d\n", simdtrain::bf16_path_name(path), s[0], s[1], s[2], t, threads);
          }
        }
        simdtrain::set_num_threads(1);
        if (path == Bf16Path::emulate && s[1] < 1000) {
          CHECK(check_bounds(p, e).empty());
          CHECK(check_bounds(p, emulate(p, Bf16Order::even_first)).empty());
        }
        if (!bits_known(path)) {  // still the same bits on 1 and 2 threads
          simdtrain::set_num_threads(2);
          const std::vector<float> two = run_on(path, p);
          simdtrain::set_num_threads(1);
          CHECK(same_bits(two, run_on(path, p)));
        }
      }
    }
  }
}

TEST(bf16_special_values_nan_inf_and_beta_zero_ignores_c) {
  for (Bf16Path path : runnable_paths()) {
    Problem p = make(false, false, 5, 20, 6, 1.0f, 0.0f, false, false, 3);
    for (size_t i = 0; i < 5; ++i)
      for (size_t j = 0; j < 20; ++j) p.c0[i * p.g.ldc + j] = NAN;  // beta = 0 never reads C
    p.a[0] = NAN;
    p.a[p.g.lda + 1] = INFINITY;
    p.a[2 * p.g.lda] = 1e-39f;  // flushed to zero
    p.a[3 * p.g.lda + 1] = -1e-39f;  // to -0
    p.b[1] = 3.4e38f;                // rounds to infinity
    uint32_t snan_bits = 0xff800001u;  // signalling NaN, payload in the low half only
    std::memcpy(&p.b[2], &snan_bits, 4);
    const std::vector<float> c = run_on(path, p);
    const std::vector<float> e = expected_bits(path, p);
    CHECK(!bits_known(path) || same_bits(c, e));
    CHECK(std::isnan(c[0]) && std::isnan(c[19]));
    CHECK(!std::isnan(c[3 * p.g.ldc + 4]));
    CHECK(std::isinf(c[p.g.ldc + 3]) || std::isnan(c[p.g.ldc + 3]));
  }
}

TEST(bf16_path_names_and_forcing) {
  Bf16Path p;
  CHECK(simdtrain::bf16_path_from_name("amx", &p) && p == Bf16Path::amx);
  CHECK(!simdtrain::bf16_path_from_name("fp8", &p));
  const Bf16Path before = simdtrain::bf16_active_path();
  CHECK(simdtrain::bf16_set_path(Bf16Path::emulate));
  CHECK(simdtrain::bf16_active_path() == Bf16Path::emulate);
  std::string why;
  for (Bf16Path q : {Bf16Path::avx512bf16, Bf16Path::amx}) {
    if (!simdtrain::bf16_path_available(q, &why)) {
      CHECK(!why.empty());
      CHECK(!simdtrain::bf16_set_path(q));
    }
  }
  CHECK(simdtrain::bf16_set_path(before));
}

// The vectorized emulation sums (bf16_emulate.isa.cc) against the plain
// sequential sum, bit for bit, on every runnable ISA: every column tail of
// the 4-vector blocks, odd k, both orders, denormal and NaN products.
TEST(bf16_emulate_sums_match_sequential_reference_on_every_isa) {
  using namespace simdtrain;
  auto flush = [](float x) { return std::fabs(x) < FLT_MIN ? std::copysign(0.0f, x) : x; };
  for (auto isa : testing::runnable_isas()) {
    const auto* kern = SIMDTRAIN_TABLE_FOR(isa, kBf16EmulateKernels);
    for (size_t n : {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 65, 71}) {
      for (size_t k : {1, 2, 5, 16, 33}) {
        const size_t m = 5;
        std::vector<float> a = testing::random_floats(m * k, 21), b = testing::random_floats(k * n, 22);
        for (auto& x : a) x = bf16_round(x);
        for (auto& x : b) x = bf16_round(x);
        a[k] = 1e-30f, b[0] = 1e-15f;  // row 1: a denormal product
        if (k > 1) a[k + 1] = -a[k + 1] * 1e-37f;
        if (n > 2) b[2] = std::nanf("");
        for (size_t first : {0, 1}) {
          std::vector<float> got(m * n, -1.0f);
          kern->sums(a.data(), b.data(), 1, m, n, k, first, got.data());
          bool ok = true;
          for (size_t i = 1; i < m; ++i) {
            for (size_t j = 0; j < n; ++j) {
              float s = 0.0f;
              for (size_t p = 0; p < k; p += 2) {
                if (p + first < k) s = flush(s + a[i * k + p + first] * b[(p + first) * n + j]);
                if (p + 1 - first < k) s = flush(s + a[i * k + p + 1 - first] * b[(p + 1 - first) * n + j]);
              }
              const float g = got[(i - 1) * n + j];
              ok = ok && (std::memcmp(&g, &s, sizeof s) == 0 || (std::isnan(g) && std::isnan(s)));
            }
          }
          if (!ok) std::fprintf(stderr, "    isa %s n %zu k %zu first %zu\n", simdtrain::isa_name(isa), n, k, first);
          CHECK(ok);
        }
      }
    }
  }
}

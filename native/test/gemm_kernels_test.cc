// Every ISA's GEMM table called directly: the packed layouts documented in
// gemm_table.h, and the macro-kernel (packed and in-place A, full and edge
// tiles, beta == 0 not reading C, bias + ReLU) against gemm_reference.
#include <cmath>
#include <string>
#include <vector>

#include "../src/kernels/gemm/gemm_buffers.h"
#include "../src/kernels/gemm/gemm_table.h"
#include "gemm_test_util.h"
#include "test_framework.h"

using simdtrain::GemmArgs;
using simdtrain::GemmBlock;
using simdtrain::GemmKernels;

namespace {

const GemmKernels& table(simdtrain::Isa isa) { return *SIMDTRAIN_TABLE_FOR(isa, kGemmKernels); }

size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

// One block through the table, no driver: requires m <= mc, k <= kc, n <= nc.
// in_place_b only applies to op(B) = B (the driver's rule).
void table_gemm(const GemmKernels& t, const GemmArgs& g, bool in_place_a, bool in_place_b) {
  const auto& bl = t.blocking;
  in_place_b = in_place_b && !g.trans_b;
  std::vector<float> pa(round_up(g.m, bl.mr) * g.k + 1), pb(round_up(g.n, bl.nr) * g.k + 1), scratch(bl.mr * g.k + 1),
      scratch_b(bl.nr * g.k + 1);
  if (!in_place_a) t.pack_a(g.trans_a, g.a, g.lda, g.m, g.k, pa.data());
  if (!in_place_b) t.pack_b(g.trans_b, g.b, g.ldb, g.k, g.n, pb.data());
  GemmBlock blk{};
  blk.mc = g.m, blk.nc = g.n, blk.kc = g.k;
  blk.a = in_place_a ? g.a : pa.data();
  blk.a_rs = g.trans_a ? 1 : g.lda;
  blk.a_cs = g.trans_a ? g.lda : 1;
  blk.a_packed = !in_place_a;
  blk.b = in_place_b ? g.b : pb.data();
  blk.b_rs = g.ldb;
  blk.b_packed = !in_place_b;
  blk.scratch_b = scratch_b.data();
  blk.c = g.c, blk.ldc = g.ldc;
  blk.alpha = g.alpha, blk.beta = g.beta;
  blk.bias = g.epilogue.bias;
  blk.relu = g.epilogue.activation == simdtrain::Activation::relu;
  blk.scratch = scratch.data();
  t.macro_kernel(blk);
}

}  // namespace

TEST(gemm_blocking_tables_are_consistent) {
  for (auto isa : testing::runnable_isas()) {
    const auto& bl = table(isa).blocking;
    CHECK(bl.mr >= 1 && bl.nv >= 1 && bl.nr % bl.nv == 0);
    CHECK(bl.mc % bl.mr == 0 && bl.nc % bl.nr == 0 && bl.kc >= 16);
  }
}

TEST(gemm_pack_layouts_match_the_documented_order_on_every_isa) {
  for (auto isa : testing::runnable_isas()) {
    const auto& t = table(isa);
    const size_t mr = t.blocking.mr, nr = t.blocking.nr;
    for (bool trans : {false, true}) {
      // depth 37: whole vector-width squares of the transposing pack (2 on
      // AVX-512, 9 on SSE2) plus a tail that goes through its L1 buffer.
      const size_t rows = 2 * mr + 3, cols = 2 * nr + 5, depth = 37, ld = 41 + 2 * nr + 2 * mr;
      std::vector<float> src = testing::random_floats(ld * (rows + cols + depth), 5);  // covers every layout
      // A: rows x depth of op(A).
      std::vector<float> pa(round_up(rows, mr) * depth, -1.0f);
      t.pack_a(trans, src.data(), ld, rows, depth, pa.data());
      for (size_t i = 0; i < round_up(rows, mr); ++i) {
        for (size_t k = 0; k < depth; ++k) {
          const float want = i < rows ? (trans ? src[k * ld + i] : src[i * ld + k]) : 0.0f;
          CHECK(pa[(i / mr) * mr * depth + k * mr + i % mr] == want);
        }
      }
      // B: depth x cols of op(B).
      std::vector<float> pb(round_up(cols, nr) * depth, -1.0f);
      t.pack_b(trans, src.data(), ld, depth, cols, pb.data());
      for (size_t j = 0; j < round_up(cols, nr); ++j) {
        for (size_t k = 0; k < depth; ++k) {
          const float want = j < cols ? (trans ? src[j * ld + k] : src[k * ld + j]) : 0.0f;
          CHECK(pb[(j / nr) * nr * depth + k * nr + j % nr] == want);
        }
      }
    }
  }
}

TEST(gemm_macro_kernel_matches_reference_on_every_isa) {
  for (auto isa : testing::runnable_isas()) {
    const auto& t = table(isa);
    const size_t mr = t.blocking.mr, nr = t.blocking.nr;
    const size_t ms[] = {1, mr - 1 ? mr - 1 : 1, mr, mr + 1, 2 * mr - 1, 3 * mr + 2};
    const size_t ns[] = {1, nr > 1 ? nr - 1 : 2, nr, nr + 1, 2 * nr + 3};
    const size_t ks[] = {1, 2, 17};
    int cases = 0;
    for (size_t m : ms)
      for (size_t n : ns)
        for (size_t k : ks)
          for (int variant = 0; variant < 4; ++variant) {
            testing::GemmCase c;
            c.m = m, c.n = n, c.k = k;
            c.ta = variant & 1;
            c.tb = variant & 2;
            c.pad = variant;
            c.alpha = variant == 3 ? -0.5f : 1.0f;
            c.beta = variant == 0 ? 0.0f : variant == 1 ? 1.0f : -0.5f;
            c.nan_c = variant == 0;
            c.bias = variant >= 2;
            c.relu = variant == 2;
            for (int in_place = 0; in_place < 4; ++in_place) {
              const bool ipa = in_place & 1, ipb = in_place & 2;
              const std::string err = testing::check_gemm_case(
                  c, static_cast<uint32_t>(m * 131 + n * 7 + k + variant),
                  [&](const GemmArgs& g) { table_gemm(t, g, ipa, ipb); });
              if (!err.empty()) {
                testing::report_failure(__FILE__, __LINE__, std::string(simdtrain::isa_name(isa)) + " " +
                                                                testing::describe(c) + (ipa ? " in-place A" : "") +
                                                                (ipb ? " in-place B" : "") + ": " + err);
              }
              ++cases;
            }
          }
    CHECK(cases == 6 * 5 * 3 * 4 * 4);
  }
}

TEST(gemm_scale_c_handles_beta_zero_bias_and_relu_on_every_isa) {
  for (auto isa : testing::runnable_isas()) {
    const size_t m = 3, n = 37, ldc = 40;
    std::vector<float> c = testing::random_floats(m * ldc, 9), bias = testing::random_floats(n, 4);
    std::vector<float> c0 = c;
    for (size_t j = 0; j < n; ++j) c[j] = NAN;  // beta == 0 must not read C
    table(isa).scale_c(m, n, c.data(), ldc, 0.0f, bias.data(), true);
    for (size_t i = 0; i < m; ++i)
      for (size_t j = 0; j < ldc; ++j) {
        const float want = j < n ? (bias[j] < 0 ? 0.0f : bias[j]) : c0[i * ldc + j];
        CHECK(c[i * ldc + j] == want);
      }
    c = c0;
    table(isa).scale_c(m, n, c.data(), ldc, -0.5f, nullptr, false);
    for (size_t i = 0; i < m; ++i)
      for (size_t j = 0; j < n; ++j) CHECK(c[i * ldc + j] == -0.5f * c0[i * ldc + j]);
  }
}

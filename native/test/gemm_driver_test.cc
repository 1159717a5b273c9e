// The threaded, dispatched sgemm() against gemm_reference: every ISA, 1 and
// 2 threads, the four transpose combinations, shapes just off every block
// size of the ISA's table (MR, NR, KC, MC, NC +-1), padded leading
// dimensions, alpha/beta in {0, 1, -0.5}, NaN in C with beta = 0, and the
// bias + ReLU epilogue.
#include <cstring>
#include <string>
#include <vector>

#include "../src/core/thread_pool.h"
#include "../src/kernels/gemm/gemm_table.h"
#include "../src/kernels/gemm/gemm_threading.h"
#include "../src/simd/dispatch.h"
#include "gemm_test_util.h"
#include "test_framework.h"

using simdtrain::GemmArgs;

namespace {

// Runs every case on each of `isas`, with 1 and 2 threads.
void run_cases(const std::vector<testing::GemmCase>& cases, const char* label,
               const std::vector<simdtrain::Isa>& isas = testing::runnable_isas()) {
  for (auto isa : isas) {
    simdtrain::set_active_isa(isa);
    for (int threads : {1, 2}) {
      simdtrain::set_num_threads(threads);
      uint32_t seed = 1;
      for (const auto& c : cases) {
        const std::string err = testing::check_gemm_case(c, seed++, [](const GemmArgs& g) { simdtrain::sgemm(g); });
        if (!err.empty()) {
          testing::report_failure(__FILE__, __LINE__, std::string(label) + " " + simdtrain::isa_name(isa) + " threads=" +
                                                          std::to_string(threads) + " " + testing::describe(c) + ": " + err);
        }
      }
    }
  }
  simdtrain::set_active_isa(testing::runnable_isas().back());
}

// A case whose options (padding, alpha, beta, NaN in C, bias, ReLU) cycle
// with `variant`, so a list of shapes covers every combination over time.
testing::GemmCase varied_case(size_t m, size_t n, size_t k, bool ta, bool tb, int variant) {
  testing::GemmCase c;
  c.m = m, c.n = n, c.k = k;
  c.ta = ta, c.tb = tb;
  c.pad = variant % 3;
  c.alpha = variant % 5 == 1 ? -0.5f : 1.0f;
  c.beta = variant % 3 == 2 ? -0.5f : 0.0f;
  c.nan_c = c.beta == 0.0f && variant % 2;
  c.bias = variant % 4 == 3;
  c.relu = variant % 7 == 3;
  return c;
}

}  // namespace

TEST(gemm_small_shapes_all_transposes_alpha_beta) {
  std::vector<testing::GemmCase> cases;
  const size_t sizes[] = {0, 1, 2, 3, 7, 13, 17, 31};
  const float scalars[] = {0.0f, 1.0f, -0.5f};
  size_t i = 0;
  for (size_t m : sizes)
    for (size_t n : sizes)
      for (size_t k : {size_t{0}, size_t{1}, size_t{5}, size_t{37}}) {
        testing::GemmCase c;
        c.m = m, c.n = n, c.k = k;
        c.ta = i & 1, c.tb = (i >> 1) & 1;
        c.alpha = scalars[i % 3];
        c.beta = scalars[(i / 3) % 3];
        c.nan_c = c.beta == 0.0f && i % 2;
        c.pad = i % 3;
        c.bias = i % 4 == 1;
        c.relu = i % 5 == 2;
        cases.push_back(c);
        ++i;
      }
  run_cases(cases, "small");
}

TEST(gemm_shapes_just_off_every_block_size) {
  for (auto isa : testing::runnable_isas()) {
    const auto& bl = SIMDTRAIN_TABLE_FOR(isa, kGemmKernels)->blocking;
    std::vector<testing::GemmCase> cases;
    int variant = 0;
    auto add = [&](size_t m, size_t n, size_t k) {
      testing::GemmCase c;
      c.m = m, c.n = n, c.k = k;
      c.ta = variant & 1, c.tb = (variant >> 1) & 1;
      c.pad = 1 + variant % 3;
      c.beta = variant % 3 == 0 ? 0.0f : -0.5f;
      c.nan_c = c.beta == 0.0f;
      c.alpha = variant % 2 ? -0.5f : 1.0f;
      c.bias = variant % 2 == 0;
      c.relu = variant % 4 == 0;
      cases.push_back(c);
      ++variant;
    };
    for (size_t d : {size_t{0}, size_t{1}, size_t{2}}) {
      add(bl.mr - 1 + d, bl.nr - 1 + d, bl.kc - 1 + d);         // register tile and KC edges
      add(bl.mc - 1 + d, 2 * bl.nr + 1, 9);                      // MC edge
      add(2 * bl.mr + 1, bl.nc - 1 + d, 11);                     // NC edge
      add(3 * bl.mr + 1, 2 * bl.nr - 1, 2 * bl.kc + d);          // several K blocks
    }
    add(61, 67, 71);  // primes
    add(128, 10, 128);  // MLP output layer: in-place A path
    add(128, 128, 10);
    // Above the threading threshold (1 M multiply-adds): split over M or N.
    add(1009, 331, 40);
    add(257, 1031, 97);
    run_cases(cases, "block edges", {isa});  // this ISA's own block sizes
  }
  simdtrain::set_active_isa(testing::runnable_isas().back());
}

TEST(gemm_small_path_in_place_a_and_b_edges) {
  // N <= 4 register tiles: A (and B when not transposed) are read in place;
  // a partial last row panel runs shifted up (rows below MR) or packed
  // (fewer rows than the kernel height); a partial last column tile of B is
  // read with masked loads (or packed where masks are slow). Every transpose
  // combination, K across one and two K blocks, 1 and 2 threads.
  for (auto isa : testing::runnable_isas()) {
    const auto& bl = SIMDTRAIN_TABLE_FOR(isa, kGemmKernels)->blocking;
    const size_t half = (bl.mr + 1) / 2;
    std::vector<testing::GemmCase> cases;
    int variant = 0;
    const size_t ms[] = {1, half, half + 1, bl.mr + 1, bl.mr + half + 1, 2 * bl.mr - 1, 64, 128};
    const size_t ns[] = {1, 10, bl.nr - 1, bl.nr + 1, 4 * bl.nr - 1, 4 * bl.nr};
    for (size_t m : ms)
      for (size_t n : ns)
        for (size_t k : {size_t{10}, bl.kc + 3})
          for (int trans = 0; trans < 4; ++trans, ++variant)
            cases.push_back(varied_case(m, n, k, trans & 1, trans >> 1, variant));
    run_cases(cases, "small path", {isa});
  }
  simdtrain::set_active_isa(testing::runnable_isas().back());
}

TEST(gemm_short_wide_products_read_b_in_place) {
  // M <= 256 with many column panels: A is packed but op(B) = B is read in
  // place (partial last column tile masked, or packed where masks are slow),
  // with K and N split into equal blocks (K = 2*KC+7 -> 3 blocks).
  for (auto isa : testing::runnable_isas()) {
    const auto& bl = SIMDTRAIN_TABLE_FOR(isa, kGemmKernels)->blocking;
    std::vector<testing::GemmCase> cases;
    int variant = 0;
    const size_t shapes[][3] = {{bl.mr * 3 + 1, 5 * bl.nr + 3, 2 * bl.kc + 7},
                                {255, bl.nc + bl.nr + 1, 17},
                                {256, 5 * bl.nr + 3, 9},
                                {257, 5 * bl.nr + 1, 11}};
    for (const auto& shape : shapes)
      for (int trans = 0; trans < 4; ++trans, ++variant)
        cases.push_back(varied_case(shape[0], shape[1], shape[2], trans & 1, trans >> 1, variant));
    run_cases(cases, "short wide", {isa});
  }
  simdtrain::set_active_isa(testing::runnable_isas().back());
}

TEST(gemm_narrow_products_against_reference) {
  // op(B) = B and N below one vector: where masked loads are cheap the driver
  // computes Cᵀ with vectors along M and stores tiles transposed, with every
  // tile height 1..TC_MR; op(A) = Aᵀ is read in place, op(A) = A packed.
  // Elsewhere it is the normal path.
  for (auto isa : testing::runnable_isas()) {
    const auto& bl = SIMDTRAIN_TABLE_FOR(isa, kGemmKernels)->blocking;
    const size_t lanes = bl.nr / bl.nv;
    std::vector<testing::GemmCase> cases;
    int variant = 0;
    for (size_t n : {size_t{1}, size_t{2}, size_t{10}, lanes - 1, bl.mr + 1})
      for (size_t m : {bl.nr, bl.nr + 1, 2 * bl.nr + 5, size_t{300}})
        for (size_t k : {size_t{1}, size_t{13}, 2 * bl.kc + 7}) {
          ++variant;
          if (k > 100 && m > 100 && variant % 2) continue;  // keep the reference cheap
          cases.push_back(varied_case(m, n, k, variant % 2 == 0, false, variant));
        }
    for (size_t n = 1; n < lanes; ++n, ++variant) {
      cases.push_back(varied_case(bl.nr + 3, n, 20, true, false, variant));
      cases.push_back(varied_case(2 * bl.nr + 1, n, 37, false, false, variant));
    }
    run_cases(cases, "narrow", {isa});
  }
  simdtrain::set_active_isa(testing::runnable_isas().back());
}

TEST(gemm_narrow_products_give_the_bits_of_the_normal_path) {
  // Cᵀ tiles compute the same FMA chains in the same order as the normal
  // path, so X·W and Xᵀ·dY (transposed-C path: A in place, or packed with
  // in-register transposes) must equal the normal path's result bit for bit.
  // The normal path is forced with op(B) = Bᵀ on a materialised Bᵀ. Alpha,
  // beta, bias and ReLU, 1 and 2 threads (M large enough to split).
  for (auto isa : testing::runnable_isas()) {
    simdtrain::set_active_isa(isa);
    for (size_t m : {size_t{128}, size_t{8200}}) {
      const size_t n = 10, k = 129;
      const std::vector<float> x = testing::random_floats(m * k, 5);  // M x K
      const std::vector<float> w = testing::random_floats(k * n, 6);  // K x N
      const std::vector<float> bias = testing::random_floats(n, 7);
      std::vector<float> xt(k * m), wt(n * k);
      for (size_t i = 0; i < m; ++i)
        for (size_t p = 0; p < k; ++p) xt[p * m + i] = x[i * k + p];
      for (size_t p = 0; p < k; ++p)
        for (size_t j = 0; j < n; ++j) wt[j * k + p] = w[p * n + j];
      const std::vector<float> c0 = testing::random_floats(m * n, 8);
      for (int threads : {1, 2}) {
        simdtrain::set_num_threads(threads);
        for (int variant = 0; variant < 3; ++variant) {
          std::vector<float> c_nn = c0, c_tn = c0, c_normal = c0;
          GemmArgs g;
          g.m = m, g.n = n, g.k = k;
          g.alpha = variant == 1 ? -0.5f : 1.0f;
          g.beta = variant == 2 ? 0.25f : 0.0f;
          if (variant == 2) g.epilogue.bias = bias.data(), g.epilogue.activation = simdtrain::Activation::relu;
          g.ldc = n;
          g.b = w.data(), g.ldb = n;
          g.a = x.data(), g.lda = k, g.c = c_nn.data();  // X·W
          simdtrain::sgemm(g);
          g.trans_a = true, g.a = xt.data(), g.lda = m, g.c = c_tn.data();  // (Xᵀ)ᵀ·W
          simdtrain::sgemm(g);
          g.trans_a = false, g.a = x.data(), g.lda = k;  // X·(Wᵀ)ᵀ: the normal path
          g.trans_b = true, g.b = wt.data(), g.ldb = k, g.c = c_normal.data();
          simdtrain::sgemm(g);
          CHECK(std::memcmp(c_nn.data(), c_normal.data(), c_nn.size() * sizeof(float)) == 0);
          CHECK(std::memcmp(c_tn.data(), c_normal.data(), c_tn.size() * sizeof(float)) == 0);
        }
      }
    }
  }
  simdtrain::set_num_threads(1);
  simdtrain::set_active_isa(testing::runnable_isas().back());
}

TEST(gemm_threaded_result_matches_single_thread_bit_for_bit) {
  // Each C element is computed by one thread with the same blocking, so the
  // thread count must not change a single bit.
  const size_t m = 301, n = 203, k = 517;
  std::vector<float> a = testing::random_floats(m * k, 1), b = testing::random_floats(k * n, 2);
  for (auto isa : testing::runnable_isas()) {
    simdtrain::set_active_isa(isa);
    std::vector<float> c1(m * n), c2(m * n, 1.0f);
    GemmArgs g;
    g.m = m, g.n = n, g.k = k, g.a = a.data(), g.b = b.data(), g.lda = k, g.ldb = n, g.ldc = n;
    simdtrain::set_num_threads(1);
    g.c = c1.data();
    simdtrain::sgemm(g);
    simdtrain::set_num_threads(2);
    g.c = c2.data();
    simdtrain::sgemm(g);
    CHECK(c1 == c2);
  }
  simdtrain::set_active_isa(testing::runnable_isas().back());
}

TEST(gemm_every_team_shape_gives_the_single_thread_bits) {
  // Shared-B teams (groups of rows sharing one packed B, several column
  // groups, more row blocks than MC), independent blocks (B in place) and
  // transposed C, on 1-8 threads: each must give exactly the 1-thread bits.
  // Oversubscription is allowed so a 2-core machine runs 3-8 member teams.
  simdtrain::allow_oversubscription(true);
  struct Shape {
    size_t m, n, k;
    bool ta, tb;
  };
  const Shape shapes[] = {{301, 203, 517, false, false}, {517, 301, 203, true, true},  {260, 997, 70, false, true},
                          {2100, 200, 16, true, false},   {700, 1000, 9, false, false}, {1200, 9, 300, false, false},
                          {200, 150, 400, false, false}};
  for (auto isa : testing::runnable_isas()) {
    simdtrain::set_active_isa(isa);
    int variant = 0;
    for (const Shape& s : shapes) {
      const size_t lda = s.ta ? s.m + 3 : s.k + 1, ldb = s.tb ? s.k + 2 : s.n;
      std::vector<float> a = testing::random_floats((s.ta ? s.k : s.m) * lda, 3);
      std::vector<float> b = testing::random_floats((s.tb ? s.n : s.k) * ldb, 4);
      std::vector<float> bias = testing::random_floats(s.n, 5), c0 = testing::random_floats(s.m * s.n, 6);
      GemmArgs g;
      g.m = s.m, g.n = s.n, g.k = s.k, g.trans_a = s.ta, g.trans_b = s.tb;
      g.a = a.data(), g.b = b.data(), g.lda = lda, g.ldb = ldb, g.ldc = s.n;
      g.beta = variant % 2 ? 0.5f : 0.0f;
      g.epilogue.bias = variant % 3 ? bias.data() : nullptr;
      g.epilogue.activation = variant % 2 ? simdtrain::Activation::relu : simdtrain::Activation::none;
      ++variant;
      std::vector<float> want = c0;
      simdtrain::set_num_threads(1);
      g.c = want.data();
      simdtrain::sgemm(g);
      for (int threads = 2; threads <= 8; ++threads) {
        simdtrain::set_num_threads(threads);
        std::vector<float> got = c0;
        g.c = got.data();
        simdtrain::sgemm(g);
        if (std::memcmp(got.data(), want.data(), want.size() * sizeof(float)) != 0) {
          testing::report_failure(__FILE__, __LINE__, std::string(simdtrain::isa_name(isa)) + " threads=" +
                                                          std::to_string(threads) + " m=" + std::to_string(s.m) +
                                                          " n=" + std::to_string(s.n) + " k=" + std::to_string(s.k));
        }
      }
    }
  }
  simdtrain::allow_oversubscription(false);
  simdtrain::set_num_threads(2);
  simdtrain::set_active_isa(testing::runnable_isas().back());
}

TEST(gemm_team_size_and_grid_follow_the_work) {
  CHECK(simdtrain::gemm_team_size(5e5, 16) == 1);       // too small to split
  CHECK(simdtrain::gemm_team_size(1.5e6, 16) == 2);     // just above the threshold
  CHECK(simdtrain::gemm_team_size(4.5e6, 16) == 4);     // a few threads' worth
  CHECK(simdtrain::gemm_team_size(1e10, 16) == 16);
  CHECK(simdtrain::gemm_team_size(1e10, 1) == 1);
  const auto tall = simdtrain::gemm_choose_grid(2048, 2048, 8, 32, 16);
  CHECK(tall.tm == 16 && tall.tn == 1);  // rows split: one shared B
  const auto wide = simdtrain::gemm_choose_grid(16, 4096, 8, 32, 16);
  CHECK(wide.tm == 2 && wide.tn == 8);   // two row tiles only
  const auto tiny = simdtrain::gemm_choose_grid(8, 32, 8, 32, 16);
  CHECK(tiny.threads() == 1);            // one tile: no split at all
  size_t covered = 0;
  for (size_t t = 0; t < 7; ++t) {
    size_t b, e;
    simdtrain::gemm_split(1000, 8, 7, t, &b, &e);
    CHECK(b % 8 == 0 && e >= b);
    covered += e - b;
  }
  CHECK(covered == 1000);
}

TEST(gemm_pack_share_covers_every_panel_row_once) {
  for (size_t parts : {size_t{1}, size_t{3}, size_t{16}}) {
    std::vector<int> hits(5 * 70, 0);
    for (size_t t = 0; t < parts; ++t) {
      simdtrain::gemm_pack_share(5, 70, 16, parts, t, [&](size_t q, size_t k0, size_t k1) {
        CHECK(k0 % 16 == 0 && k1 <= 70 && k0 < k1);
        for (size_t k = k0; k < k1; ++k) hits[q * 70 + k]++;
      });
    }
    bool once = true;
    for (int h : hits) once = once && h == 1;
    CHECK(once);
  }
}

TEST(gemm_check_rejects_short_leading_dimensions) {
  float dummy[1];
  GemmArgs g;
  g.m = 4, g.n = 5, g.k = 6, g.lda = 6, g.ldb = 5, g.ldc = 5;
  CHECK(simdtrain::gemm_check(g) != nullptr);  // null arrays
  g.a = g.b = g.c = dummy;
  CHECK(simdtrain::gemm_check(g) == nullptr);
  g.lda = 5;
  CHECK(simdtrain::gemm_check(g) != nullptr);
  g.trans_a = true;  // stored 6 x 4: lda >= 4
  CHECK(simdtrain::gemm_check(g) == nullptr);
  g.ldc = 4;
  CHECK(simdtrain::gemm_check(g) != nullptr);
  size_t span = 0;
  CHECK(simdtrain::gemm_span(3, 4, 10, &span) && span == 24);
  CHECK(simdtrain::gemm_span(0, 4, 10, &span) && span == 0);
  CHECK(!simdtrain::gemm_span(size_t{1} << 33, 4, size_t{1} << 33, &span));
}

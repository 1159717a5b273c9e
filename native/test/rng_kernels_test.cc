// The distribution kernels: stream mapping against the scalar Philox
// reference, the same bits on every ISA and every thread count, any offset,
// unaligned output with guards, and the quantile's accuracy.
#include <cmath>
#include <cstring>
#include <vector>

#include "../src/core/thread_pool.h"
#include "../src/kernels/rng/rng_ops.h"
#include "../src/kernels/rng/rng_table.h"
#include "../src/simd/dispatch.h"
#include "rng_reference.h"
#include "test_framework.h"
#include "test_util.h"

using simdtrain::Isa;
using simdtrain::RngKernels;

namespace {

const RngKernels& table(Isa isa) { return *SIMDTRAIN_TABLE_FOR(isa, kRngKernels); }

bool same_bits(const float* a, const float* b, size_t n) { return n == 0 || std::memcmp(a, b, n * sizeof(float)) == 0; }

constexpr uint64_t kSeed = 0x0123456789ABCDEFull & ((1ull << 53) - 1);
const simdtrain::UniformParams kUniform = simdtrain::make_uniform_params(-0.75f, 2.5f);
const simdtrain::NormalParams kNormal{0.25f, 1.5f};
const simdtrain::TruncNormalParams kTrunc = simdtrain::make_trunc_normal_params(0.5, 2.0, -3.0, 4.0);
const simdtrain::TruncNormalParams kTruncTail = simdtrain::make_trunc_normal_params(0.0, 1.0, 1.0, 3.0);  // mirrored

// Runs all four fills of `isa` into dst (4 * n floats at dst, dst + n, ...).
void fill_all(Isa isa, float* dst, size_t n, uint64_t offset) {
  const simdtrain::RngKey key = simdtrain::rng_key(kSeed);
  table(isa).uniform(dst, n, offset, key, kUniform);
  table(isa).normal(dst + n, n, offset, key, kNormal);
  table(isa).truncated_normal(dst + 2 * n, n, offset, key, kTrunc);
  table(isa).truncated_normal(dst + 3 * n, n, offset, key, kTruncTail);
}

}  // namespace

TEST(rng_uniform_follows_the_documented_stream_mapping) {
  const size_t n = 300;
  const uint64_t offset = (1ull << 40) - 37;  // counter crosses into the high word
  std::vector<float> out(n);
  table(Isa::scalar).uniform(out.data(), n, offset, simdtrain::rng_key(kSeed), kUniform);
  for (size_t i = 0; i < n; ++i) {
    const float u = static_cast<float>(rngref::stream_word(kSeed, offset + i) >> 8) * 0x1p-24f;
    float want = kUniform.low + kUniform.range * u;
    if (!(want < kUniform.high)) want = kUniform.below_high;
    CHECK(out[i] == want);
  }
}

TEST(rng_normal_is_mean_plus_std_times_quantile_of_the_word) {
  const size_t n = 500;
  std::vector<float> out(n), p(n), z(n);
  table(Isa::scalar).normal(out.data(), n, 5, simdtrain::rng_key(kSeed), kNormal);
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<float>(2 * (rngref::stream_word(kSeed, 5 + i) >> 9) + 1) * 0x1p-24f;
  table(Isa::scalar).normal_icdf(p.data(), n, z.data());
  for (size_t i = 0; i < n; ++i) CHECK(out[i] == kNormal.mean + kNormal.std * z[i]);
}

TEST(rng_every_isa_gives_the_scalar_bits_for_every_size_offset_and_alignment) {
  for (size_t n : testing::tail_sizes()) {
    for (uint64_t offset : {uint64_t{0}, uint64_t{1}, uint64_t{63}, uint64_t{64}, uint64_t{1000}}) {
      if (n > 100000 && offset > 1) continue;  // the big size once or twice is enough
      std::vector<float> want(4 * n);
      fill_all(Isa::scalar, want.data(), n, offset);
      for (Isa isa : testing::runnable_isas()) {
        // One float past a 64-byte boundary, guards after the end.
        std::vector<float> buf(4 * n + 1 + 16, -7.5f);
        fill_all(isa, buf.data() + 1, n, offset);
        CHECK(buf[0] == -7.5f);
        CHECK(same_bits(buf.data() + 1, want.data(), 4 * n));
        for (size_t g = 4 * n + 1; g < buf.size(); ++g) CHECK(buf[g] == -7.5f);
      }
    }
  }
}

TEST(rng_a_fill_at_an_offset_is_the_matching_slice_of_a_longer_fill) {
  const size_t total = 5000;
  std::vector<float> whole(4 * total);
  fill_all(Isa::scalar, whole.data(), total, 0);
  for (size_t off : {1, 17, 64, 65, 999}) {
    const size_t n = total - off;
    std::vector<float> part(4 * n);
    fill_all(simdtrain::best_supported_isa(), part.data(), n, off);
    for (size_t d = 0; d < 4; ++d) CHECK(same_bits(part.data() + d * n, whole.data() + d * total + off, n));
  }
}

TEST(rng_threaded_ops_do_not_depend_on_thread_count) {
  const size_t n = 1000003;
  for (Isa isa : testing::runnable_isas()) {
    simdtrain::set_active_isa(isa);
    std::vector<float> one(3 * n), many(3 * n);
    for (int threads : {1, 2, 3}) {
      simdtrain::set_num_threads(threads);
      float* dst = threads == 1 ? one.data() : many.data();
      simdtrain::rng_uniform(dst, n, 42, 7, -1.0f, 1.0f);
      simdtrain::rng_normal(dst + n, n, 42, 7, 0.0f, 1.0f);
      simdtrain::rng_truncated_normal(dst + 2 * n, n, 42, 7, 0.0, 1.0, -2.0, 2.0);
      if (threads > 1) CHECK(one == many);
    }
  }
  simdtrain::set_active_isa(simdtrain::best_supported_isa());
  simdtrain::set_num_threads(2);
}

TEST(rng_normal_quantile_is_accurate_across_the_grid_and_tails) {
  // The centre, both region boundaries (p = 0.02425) and deep tails.
  std::vector<float> p;
  for (int k = 1; k < 2000; ++k) p.push_back(static_cast<float>(k) / 2000.0f);
  for (float e = -30.0f; e <= -2.0f; e += 0.25f) {
    p.push_back(std::exp2(e));
    p.push_back(1.0f - std::exp2(std::fmax(e, -24.0f)));
  }
  p.push_back(0.02425f);
  p.push_back(std::nextafter(0.02425f, 0.0f));
  p.push_back(0x1p-24f);
  std::vector<float> z(p.size());
  for (Isa isa : testing::runnable_isas()) {
    table(isa).normal_icdf(p.data(), p.size(), z.data());
    for (size_t i = 0; i < p.size(); ++i) {
      const double want = rngref::normal_quantile(p[i]);
      // A few float ulps of the result, plus an absolute floor near z = 0.
      CHECK_NEAR(z[i], want, 4e-7 * std::fabs(want) + 2e-7);
    }
  }
}

TEST(rng_truncated_normal_stays_inside_its_bounds) {
  const size_t n = 200000;
  std::vector<float> out(n);
  struct Case { double mean, std, low, high; };
  for (Case c : {Case{0, 1, -2, 2}, Case{0, 1, 1, 3}, Case{0, 1, -3, -1}, Case{5, 0.1, 5.0, 5.05}, Case{0, 1, 8, 9}}) {
    simdtrain::rng_truncated_normal(out.data(), n, 3, 0, c.mean, c.std, c.low, c.high);
    for (float v : out) CHECK(v >= static_cast<float>(c.low) && v <= static_cast<float>(c.high));
  }
}

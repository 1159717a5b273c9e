// bf16 optimizer state (kFlagBf16State): every ISA's kernels against a plain
// reference, bit for bit. The reference widens the bf16 state, runs the fp32
// reference element (optim_reference.h) and rounds each slot stochastically
// with the element's random bits (rng_reference.h's Philox, then the hash
// of docs/bf16.md), written here independently of optim_state.inl. Spans start at odd offsets
// inside their tensor (as a thread's piece does) and sizes hit every tail.
#include <cmath>
#include <cstring>
#include <vector>

#include "../src/kernels/optim/optim_table.h"
#include "../src/simd/dispatch.h"
#include "optim_reference.h"
#include "optim_test_util.h"
#include "rng_reference.h"
#include "test_framework.h"
#include "test_util.h"

using simdtrain::OptimKind;
using simdtrain::OptimScalars;
using simdtrain::OptimSpan;

namespace {

float widen(uint16_t h) {
  const uint32_t bits = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// Stochastic rounding of x with 16 random bits r, as documented in bf16.md.
uint16_t round_sr(float x, uint32_t r) {
  if (x != x) return 0x7FC0;
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return static_cast<uint16_t>((bits + r) >> 16);
}

// The 32 random bits of element j of tensor `stream` at `step` (bf16.md):
// Philox word (j % 256) / 64 of block j / 256, then lowbias32 of that word
// plus (j % 64) times the Weyl constant.
uint32_t state_word(uint32_t seed, uint32_t step, uint32_t stream, uint64_t j) {
  const uint64_t block = j / 256;
  const rngref::Block out = rngref::philox4x32_10(
      rngref::Block{static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), step, stream}, seed, 0);
  uint32_t x = out[(j % 256) / 64] + static_cast<uint32_t>(j % 64) * 0x9E3779B9u;
  x ^= x >> 16;
  x *= 0x7FEB352Du;
  x ^= x >> 15;
  x *= 0x846CA68Bu;
  x ^= x >> 16;
  return x;
}

std::vector<uint16_t> random_bf16(size_t n, uint64_t seed, bool positive) {
  std::vector<float> f = testing::random_floats(n, seed);
  std::vector<uint16_t> h(n);
  for (size_t i = 0; i < n; ++i) {
    float x = positive ? f[i] * f[i] + 0.01f : f[i];
    uint32_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    h[i] = static_cast<uint16_t>(bits >> 16);
  }
  return h;
}

}  // namespace

TEST(optim_bf16_state_kernels_match_reference_bitwise_on_every_isa) {
  using namespace simdtrain;
  const std::vector<testing::OptimCase> cases = {
      {OptimKind::sgd, kFlagMomentum, 0.01f},
      {OptimKind::sgd, kFlagMomentum | kFlagFirstStep | kFlagNesterov, 0},
      {OptimKind::adam, 0, 0},
      {OptimKind::adam, kFlagAmsgrad | kFlagMaximize, 0.01f},
      {OptimKind::adam, kFlagDecoupled, 0.1f},
      {OptimKind::adam, kFlagMaximize, 0.01f},  // the staged Adam path with coupled decay
      {OptimKind::adamax, 0, 0.01f},
      {OptimKind::nadam, 0, 0},
      {OptimKind::radam, kFlagRectify, 0.01f},
      {OptimKind::adagrad, 0, 0.1f},
      {OptimKind::rmsprop, kFlagCentered | kFlagMomentum, 0.01f},
      {OptimKind::adadelta, 0, 0},
      {OptimKind::lion, 0, 0.1f},
  };
  const uint32_t seed = 0x1234567u, step = 7, stream = 3;
  for (auto isa : testing::runnable_isas()) {
    for (const auto& k : cases) {
      OptimScalars s = testing::optim_scalars(k);
      s.flags |= kFlagBf16State;
      s.rng_seed = seed;
      s.rng_step = step;
      s.rng_stream = stream;
      for (size_t n : testing::tail_sizes()) {
        if (n > 20000) continue;
        // `first`: where the span starts inside its tensor (odd, mid-group).
        // The last one puts block numbers across 2^32 inside one batch of Philox
        // blocks (the kernels compute kLanes blocks per call).
        for (uint64_t first : {uint64_t{0}, uint64_t{37}, uint64_t{256 * 1000 + 191}, (uint64_t{1} << 34) + 5,
                               (uint64_t{1} << 40) - 256 * 3 + 7}) {
          const size_t off = 1, guard = 9, total = off + n + guard;
          std::vector<float> p = testing::random_floats(total, 1), g = testing::random_floats(total, 2);
          std::vector<uint16_t> h0 = random_bf16(total, 3, false), h1 = random_bf16(total, 4, true),
                                h2 = random_bf16(total, 5, true);
          std::vector<float> rp = p;
          std::vector<uint16_t> r0 = h0, r1 = h1, r2 = h2;
          for (size_t i = off; i < off + n; ++i) {
            float s0 = widen(r0[i]), s1 = widen(r1[i]), s2 = widen(r2[i]);
            testing::ref_element(k.kind, s, rp[i], g[i], s0, s1, s2);
            const uint32_t w = state_word(seed, step, stream, first + (i - off));
            r0[i] = round_sr(s0, w & 0xFFFFu);
            r1[i] = round_sr(s1, w >> 16);
            r2[i] = round_sr(s2, (w ^ (w >> 16)) & 0xFFFFu);
          }
          OptimSpan span{p.data() + off, g.data() + off, nullptr, nullptr, nullptr};
          span.h0 = h0.data() + off;
          span.h1 = h1.data() + off;
          span.h2 = h2.data() + off;
          span.first = first;
          testing::optim_kernel(isa, k.kind)(s, span, n);
          // Slots a kind does not use must come back untouched: compare all three.
          const bool ok = testing::same_bits(p, rp) && testing::same_bits(h0, r0) && testing::same_bits(h1, r1) && testing::same_bits(h2, r2);
          if (!ok) {
            std::fprintf(stderr, "    isa %s kind %d flags %u n %zu first %llu\n", simdtrain::isa_name(isa),
                         static_cast<int>(k.kind), k.flags, n, static_cast<unsigned long long>(first));
          }
          CHECK(ok);
        }
      }
    }
  }
}

TEST(optim_bf16_stochastic_rounding_edge_values) {
  using namespace simdtrain;
  // SGD momentum with first step: buf = g exactly, so the stored state is
  // round_sr(g): NaN, infinities, zeros, exact bf16 values and denormals.
  const float inf = 1.0f / 0.0f;
  std::vector<float> g = {0.0f, -0.0f, inf, -inf, 1.0f, -2.5f, 1e-40f, -1e-41f, 3.0e38f, 1.00390625f, 0.0f / 0.0f};
  for (auto isa : testing::runnable_isas()) {
    const size_t n = g.size();
    std::vector<float> p(n, 0.0f);
    std::vector<uint16_t> h0(n, 0);
    OptimScalars s;
    s.flags = kFlagMomentum | kFlagFirstStep | kFlagBf16State;
    s.lr = 0.0f;
    s.b1 = 0.9f;
    s.c[0] = 1.0f;
    s.rng_seed = 99;
    s.rng_step = 1;
    OptimSpan span{p.data(), g.data(), nullptr, nullptr, nullptr};
    span.h0 = h0.data();
    testing::optim_kernel(isa, OptimKind::sgd)(s, span, n);
    for (size_t i = 0; i < n; ++i) {
      const uint32_t w = state_word(99, 1, 0, i);
      CHECK(h0[i] == round_sr(g[i], w & 0xFFFFu));
    }
    CHECK(h0[0] == 0x0000 && h0[1] == 0x8000 && h0[2] == 0x7F80 && h0[3] == 0xFF80);
    CHECK(h0[4] == 0x3F80 && h0[5] == 0xC020);  // exact bf16 values never move
    CHECK(h0[9] == 0x3F80 || h0[9] == 0x3F81);  // 1 + 2^-8: between 1 and 1 + 2^-7
    CHECK(h0[10] == 0x7FC0);
  }
}

TEST(optim_bf16_two_slot_kernels_store_nan_as_quiet_nan_beside_finite_lanes) {
  using namespace simdtrain;
  // Adam writes m and v together: a NaN gradient in one lane must give
  // 0x7FC0 in both slots there and leave the other lanes' rounding as the
  // reference's (full vectors and tails, every ISA).
  for (auto isa : testing::runnable_isas()) {
    for (size_t n : {size_t{5}, size_t{16}, size_t{37}, size_t{300}}) {
      OptimScalars s = testing::optim_scalars({OptimKind::adam, 0, 0});
      s.flags |= kFlagBf16State;
      s.rng_seed = 5;
      s.rng_step = 2;
      std::vector<float> p = testing::random_floats(n, 11), g = testing::random_floats(n, 12);
      for (size_t i = 1; i < n; i += 7) g[i] = 0.0f / 0.0f;
      std::vector<uint16_t> h0 = random_bf16(n, 13, false), h1 = random_bf16(n, 14, true);
      std::vector<float> rp = p;
      std::vector<uint16_t> r0 = h0, r1 = h1;
      for (size_t i = 0; i < n; ++i) {
        float s0 = widen(r0[i]), s1 = widen(r1[i]), s2 = 0.0f;
        testing::ref_element(OptimKind::adam, s, rp[i], g[i], s0, s1, s2);
        const uint32_t w = state_word(5, 2, 0, i);
        r0[i] = round_sr(s0, w & 0xFFFFu);
        r1[i] = round_sr(s1, w >> 16);
      }
      OptimSpan span{p.data(), g.data(), nullptr, nullptr, nullptr};
      span.h0 = h0.data();
      span.h1 = h1.data();
      testing::optim_kernel(isa, OptimKind::adam)(s, span, n);
      CHECK(testing::same_bits(h0, r0) && testing::same_bits(h1, r1));
      CHECK(h0[1] == 0x7FC0 && h1[1] == 0x7FC0);
      for (size_t i = 0; i < n; ++i) CHECK(std::isnan(p[i]) == std::isnan(rp[i]) && (std::isnan(p[i]) || p[i] == rp[i]));
    }
  }
}

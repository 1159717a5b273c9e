// Plain scalar references for the RNG tests: Philox4x32-10 written directly
// from the paper with 64-bit products, the stream-element -> (counter, word)
// mapping of rng_table.h, and a double-precision normal quantile.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace rngref {

using Block = std::array<uint32_t, 4>;

inline Block philox4x32_10(Block c, uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    if (round) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    const uint64_t p0 = static_cast<uint64_t>(0xD2511F53u) * c[0];
    const uint64_t p1 = static_cast<uint64_t>(0xCD9E8D57u) * c[2];
    c = Block{static_cast<uint32_t>(p1 >> 32) ^ c[1] ^ k0, static_cast<uint32_t>(p1),
              static_cast<uint32_t>(p0 >> 32) ^ c[3] ^ k1, static_cast<uint32_t>(p0)};
  }
  return c;
}

// The 32 random bits of stream element j for a seed.
inline uint32_t stream_word(uint64_t seed, uint64_t j) {
  const uint64_t counter = (j / 64) * 16 + (j % 64) % 16;
  const Block out = philox4x32_10(Block{static_cast<uint32_t>(counter), static_cast<uint32_t>(counter >> 32), 0, 0},
                                  static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  return out[(j % 64) / 16];
}

inline double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Phi^-1(p) in double: bisection on the erfc-based CDF, in the lower half
// (where the CDF has full relative precision) and mirrored for p > 1/2.
inline double normal_quantile(double p) {
  if (p > 0.5) return -normal_quantile(1.0 - p);
  double lo = -40, hi = 0;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    (normal_cdf(mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace rngref

// Counter-based random fills (Philox4x32-10): one table per ISA.
//
// Element j of a stream (j = offset + i for out[i]) takes its 32 random bits
// from one word of one Philox block, fixed by j alone:
//   group g = j / 64, r = j % 64, word = r / 16, counter = 16 * g + r % 16
// with the 128-bit Philox counter {counter lo, counter hi, 0, 0} and the key
// {seed lo, seed hi}. Sixteen counters share a group so a 16/8/4/1-lane
// vector computes whole groups without shuffles, yet the mapping does not
// depend on the vector width. The float transforms use only add, sub, mul,
// div, sqrt, min/max and integer ops (never fused multiply-add), so every ISA
// and every thread split gives the same bits.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../../simd/dispatch.h"

namespace simdtrain {

// Elements per counter group (16 counters x 4 words).
constexpr size_t kRngGroup = 64;

struct RngKey {
  uint32_t k0, k1;
};

// u in [0, 1) on a 2^-24 grid; out = low + (high - low) * u, kept below
// `below_high` (the largest float < high) where rounding would reach high.
struct UniformParams {
  float low, range, high, below_high;
};

// out = mean + std * z with z = Phi^-1(p), p on the grid (2k + 1) * 2^-24.
struct NormalParams {
  float mean, std;
};

// p = p_low + u * p_range (u in (0, 1)), z = Phi^-1(p) clamped to
// [z_low, z_high], then out = mean + std * sign * z clamped to [low, high].
// sign is -1 when the interval was mirrored into the lower tail for precision.
struct TruncNormalParams {
  float p_low, p_range, z_low, z_high, sign, mean, std, low, high;
};

struct RngKernels {
  // Raw Philox4x32-10 of n counters (4 words each, ctr[4*i + w]) -> out[4*i + w].
  void (*philox)(const uint32_t* ctr, size_t n, RngKey key, uint32_t* out);
  void (*uniform)(float* out, size_t n, uint64_t offset, RngKey key, const UniformParams& p);
  void (*normal)(float* out, size_t n, uint64_t offset, RngKey key, const NormalParams& p);
  void (*truncated_normal)(float* out, size_t n, uint64_t offset, RngKey key, const TruncNormalParams& p);
  // Standard-normal quantile Phi^-1(p) of p[i] in (0, 1), as the kernels compute it.
  void (*normal_icdf)(const float* p, size_t n, float* out);
};

SIMDTRAIN_DECLARE_TABLES(RngKernels, kRngKernels)

}  // namespace simdtrain

// Dispatched, multi-threaded random fills: what the addon calls. Arguments
// are assumed valid (the binding checks them). Because element i's value
// depends only on (seed, offset + i), the split over threads cannot change a
// single bit: each thread fills its own slice at its own stream offset.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rng_table.h"

namespace simdtrain {

// The Philox key for a seed: its low and high 32-bit words.
RngKey rng_key(uint64_t seed);

// Parameter blocks for the kernels (exposed for the C++ tests).
// Uniform in [low, high): needs low < high, both finite, high - low finite.
UniformParams make_uniform_params(float low, float high);
// Truncated normal on [low, high] (absolute bounds), std > 0; computes the
// CDF bounds in double and mirrors an upper-tail interval into the lower tail,
// where float keeps more precision.
TruncNormalParams make_trunc_normal_params(double mean, double std, double low, double high);
// Standard-normal CDF in double.
double normal_cdf(double z);

void rng_uniform(float* out, size_t n, uint64_t seed, uint64_t offset, float low, float high);
void rng_normal(float* out, size_t n, uint64_t seed, uint64_t offset, float mean, float std);
// std == 0 fills with mean.
void rng_truncated_normal(float* out, size_t n, uint64_t seed, uint64_t offset, double mean, double std,
                          double low, double high);

}  // namespace simdtrain

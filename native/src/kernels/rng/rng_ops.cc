#include "rng_ops.h"

#include <cmath>

#include "../../core/thread_pool.h"
#include "../vector/vector_ops.h"

namespace simdtrain {
namespace {

// Below this many elements per thread a hand-off costs more than it saves
// (bench/init.bench.js: ~1 ns/element for normal on one AVX-512 core).
constexpr size_t kMinElementsPerThread = 1 << 15;

const RngKernels& kernels() { return SIMDTRAIN_PICK(kRngKernels); }

template <class Fill>
void threaded(size_t n, uint64_t offset, Fill&& fill) {
  parallel_for(n, kMinElementsPerThread, [&](size_t b, size_t e) { fill(b, e - b, offset + b); });
}

}  // namespace

RngKey rng_key(uint64_t seed) { return RngKey{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}; }

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

UniformParams make_uniform_params(float low, float high) {
  return UniformParams{low, high - low, high, std::nextafter(high, low)};
}

TruncNormalParams make_trunc_normal_params(double mean, double std, double low, double high) {
  const double a = (low - mean) / std, b = (high - mean) / std;
  // Mirror when the interval leans to the upper side: Phi near 1 has no float
  // precision left, Phi near 0 has plenty.
  const bool mirror = a + b > 0;
  const double z_low = mirror ? -b : a, z_high = mirror ? -a : b;
  const double p_low = normal_cdf(z_low), p_high = normal_cdf(z_high);
  TruncNormalParams p;
  p.p_low = static_cast<float>(p_low);
  p.p_range = static_cast<float>(p_high - p_low);
  p.z_low = static_cast<float>(z_low);
  p.z_high = static_cast<float>(z_high);
  p.sign = mirror ? -1.0f : 1.0f;
  p.mean = static_cast<float>(mean);
  p.std = static_cast<float>(std);
  p.low = static_cast<float>(low);
  p.high = static_cast<float>(high);
  return p;
}

void rng_uniform(float* out, size_t n, uint64_t seed, uint64_t offset, float low, float high) {
  const auto& k = kernels();
  const RngKey key = rng_key(seed);
  const UniformParams p = make_uniform_params(low, high);
  threaded(n, offset, [&](size_t b, size_t len, uint64_t off) { k.uniform(out + b, len, off, key, p); });
}

void rng_normal(float* out, size_t n, uint64_t seed, uint64_t offset, float mean, float std) {
  const auto& k = kernels();
  const RngKey key = rng_key(seed);
  const NormalParams p{mean, std};
  threaded(n, offset, [&](size_t b, size_t len, uint64_t off) { k.normal(out + b, len, off, key, p); });
}

void rng_truncated_normal(float* out, size_t n, uint64_t seed, uint64_t offset, double mean, double std,
                          double low, double high) {
  if (std == 0) {
    vec_fill(out, n, static_cast<float>(mean));
    return;
  }
  const auto& k = kernels();
  const RngKey key = rng_key(seed);
  const TruncNormalParams p = make_trunc_normal_params(mean, std, low, high);
  threaded(n, offset, [&](size_t b, size_t len, uint64_t off) { k.truncated_normal(out + b, len, off, key, p); });
}

}  // namespace simdtrain

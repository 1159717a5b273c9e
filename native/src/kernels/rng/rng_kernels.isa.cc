// Counter-based random fills, written once over the SIMD abstraction and
// compiled once per ISA (see simd/target.h and rng_table.h for the layout).
#include "../../simd/target.h"

#include <cstring>

#include "rng_table.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

#include "philox.inl"
#include "rng_math.inl"

static_assert(16 % kLanes == 0, "a counter group must split into whole vectors");

// Writes the 64 values of counter group `group` to dst[0..63]: word w of
// counter 16 * group + l goes to dst[16 * w + l].
template <class Transform>
inline void fill_group(uint64_t group, RngKey key, const Transform& tf, float* dst) {
  const uint64_t base = group * 16;
  const IVec hi = iset1(static_cast<uint32_t>(base >> 32));
  const IVec zero_i = iset1(0);
  for (size_t l = 0; l < 16; l += kLanes) {
    // base is a multiple of 16 and l + lane < 16: the low word never carries.
    const IVec lo = iadd(iset1(static_cast<uint32_t>(base) + static_cast<uint32_t>(l)), iota_u32());
    const Philox4 w = philox10(Philox4{lo, hi, zero_i, zero_i}, key.k0, key.k1);
    storeu(dst + l, tf(w.x0));
    storeu(dst + 16 + l, tf(w.x1));
    storeu(dst + 32 + l, tf(w.x2));
    storeu(dst + 48 + l, tf(w.x3));
  }
}

// out[i] = tf(word of stream element offset + i). Whole groups are written in
// place; a group cut by either end of the range goes through a stack buffer.
template <class Transform>
void fill_stream(float* out, size_t n, uint64_t offset, RngKey key, const Transform& tf) {
  size_t i = 0;
  while (i < n) {
    const uint64_t j = offset + i;
    const uint64_t group = j / kRngGroup;
    const size_t r = static_cast<size_t>(j % kRngGroup);
    const size_t take = (kRngGroup - r < n - i) ? kRngGroup - r : n - i;
    if (take == kRngGroup) {
      fill_group(group, key, tf, out + i);
    } else {
      alignas(64) float tmp[kRngGroup];
      fill_group(group, key, tf, tmp);
      std::memcpy(out + i, tmp + r, take * sizeof(float));
    }
    i += take;
  }
}

void philox(const uint32_t* ctr, size_t n, RngKey key, uint32_t* out) {
  alignas(64) uint32_t buf[4][kLanes];
  for (size_t i = 0; i < n; i += kLanes) {
    const size_t m = (n - i < kLanes) ? n - i : kLanes;
    for (size_t l = 0; l < kLanes; ++l)
      for (size_t w = 0; w < 4; ++w) buf[w][l] = l < m ? ctr[4 * (i + l) + w] : 0;
    Philox4 c{iloadu(buf[0]), iloadu(buf[1]), iloadu(buf[2]), iloadu(buf[3])};
    c = philox10(c, key.k0, key.k1);
    istoreu(buf[0], c.x0);
    istoreu(buf[1], c.x1);
    istoreu(buf[2], c.x2);
    istoreu(buf[3], c.x3);
    for (size_t l = 0; l < m; ++l)
      for (size_t w = 0; w < 4; ++w) out[4 * (i + l) + w] = buf[w][l];
  }
}

void uniform(float* out, size_t n, uint64_t offset, RngKey key, const UniformParams& p) {
  const Vec low = set1(p.low), range = set1(p.range), high = set1(p.high), below = set1(p.below_high);
  fill_stream(out, n, offset, key, [&](IVec w) {
    const Vec x = add(low, mul(range, unit_closed_open(w)));
    return select(cmp_lt(x, high), x, below);  // rounding may land on high
  });
}

void normal(float* out, size_t n, uint64_t offset, RngKey key, const NormalParams& p) {
  const Vec mean = set1(p.mean), std = set1(p.std);
  fill_stream(out, n, offset, key, [&](IVec w) { return add(mean, mul(std, normal_icdf(unit_open(w)))); });
}

void truncated_normal(float* out, size_t n, uint64_t offset, RngKey key, const TruncNormalParams& p) {
  const Vec p_low = set1(p.p_low), p_range = set1(p.p_range);
  const Vec z_low = set1(p.z_low), z_high = set1(p.z_high), sign = set1(p.sign);
  const Vec mean = set1(p.mean), std = set1(p.std), low = set1(p.low), high = set1(p.high);
  fill_stream(out, n, offset, key, [&](IVec w) {
    const Vec prob = add(p_low, mul(p_range, unit_open(w)));
    const Vec z = clamp_sel(normal_icdf(prob), z_low, z_high);
    return clamp_sel(add(mean, mul(std, mul(sign, z))), low, high);
  });
}

void normal_icdf_array(const float* p, size_t n, float* out) {
  for_each_chunk(n, [&](size_t i, auto chunk) { chunk.store(out + i, normal_icdf(chunk.load(p + i))); });
}

}  // namespace

extern const RngKernels kRngKernels = {philox, uniform, normal, truncated_normal, normal_icdf_array};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

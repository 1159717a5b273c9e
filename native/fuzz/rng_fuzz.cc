// RNG fills: every ISA must give the same bits as scalar for any length,
// offset, key and parameters (the counter-based stream's promise).
#include <cmath>
#include <cstring>
#include <vector>

#include "../src/kernels/rng/rng_table.h"
#include "../src/simd/cpu_features.h"
#include "fuzz_input.h"

namespace {

using simdtrain::Isa;

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

void fuzz_rng(fuzz::Input& in) {
  const size_t n = in.size(3000);
  const uint64_t offset = (static_cast<uint64_t>(in.u32()) << 8) | in.byte();
  const simdtrain::RngKey key{in.u32(), in.u32()};
  const float low = in.value(10.0f);
  const float high = low + 0.001f + std::fabs(in.value(10.0f));
  const simdtrain::UniformParams up{low, high - low, high, std::nextafter(high, low)};
  const simdtrain::NormalParams np{in.value(5.0f), std::fabs(in.value(3.0f))};
  std::vector<float> p(n);
  for (auto& x : p) x = 1e-7f + (1.0f - 2e-7f) * (0.5f + 0.5f * in.value(1.0f));

  const auto& ref = simdtrain::scalar::kRngKernels;
  std::vector<float> u_ref(n), n_ref(n), q_ref(n);
  ref.uniform(u_ref.data(), n, offset, key, up);
  ref.normal(n_ref.data(), n, offset, key, np);
  ref.normal_icdf(p.data(), n, q_ref.data());

  for (int i = 1; i < simdtrain::kIsaCount; ++i) {
    const Isa isa = static_cast<Isa>(i);
    const auto* table = SIMDTRAIN_TABLE_FOR(isa, kRngKernels);
    if (!table || !simdtrain::cpu_supports(isa)) continue;
    const char* name = simdtrain::isa_name(isa);
    std::vector<float> out(n);
    table->uniform(out.data(), n, offset, key, up);
    if (!same_bits(out, u_ref)) fuzz::mismatch("rng uniform bits", name, n, 0, 0);
    for (float v : out) {
      if (!(v >= low && v < high)) fuzz::mismatch("rng uniform bounds", name, n, v, low);
    }
    table->normal(out.data(), n, offset, key, np);
    if (!same_bits(out, n_ref)) fuzz::mismatch("rng normal bits", name, n, 0, 0);
    table->normal_icdf(p.data(), n, out.data());
    if (!same_bits(out, q_ref)) fuzz::mismatch("normal_icdf bits", name, n, 0, 0);
  }
}

fuzz::TargetRegistrar registrar("rng", fuzz_rng);

}  // namespace

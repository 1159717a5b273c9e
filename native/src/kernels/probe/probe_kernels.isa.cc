// The FMA-peak probe, written once over the SIMD abstraction; the build
// compiles this file once per ISA (see simd/target.h).
#include "../../simd/target.h"
#include "probe_table.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

float fma_chains(size_t iterations) {
  // Multiplier just below 1 and a small addend keep every chain finite and
  // normal for any iteration count (x -> 0.999999 x + 1e-7 converges to 0.1).
  const Vec a = set1(0.999999f), b = set1(1e-7f);
  Vec acc[kFmaChains];
  for (size_t c = 0; c < kFmaChains; ++c) acc[c] = set1(static_cast<float>(c));
  for (size_t i = 0; i < iterations; ++i) {
    for (size_t c = 0; c < kFmaChains; ++c) acc[c] = fmadd(acc[c], a, b);
  }
  Vec total = zero();
  for (size_t c = 0; c < kFmaChains; ++c) total = add(total, acc[c]);
  return reduce_add(total);
}

}  // namespace

extern const ProbeKernels kProbeKernels = {fma_chains, kLanes};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

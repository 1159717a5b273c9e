// Machine probes: one table per ISA. What `simdtrain bench` and the per-layer
// benchmarks divide by to say "percent of peak".
#pragma once

#include <cstddef>

#include "../../simd/dispatch.h"

namespace simdtrain {

// Fused multiply-adds the probe kernel performs per iteration, per vector lane.
constexpr size_t kFmaChains = 12;

struct ProbeKernels {
  // Runs `iterations` rounds of kFmaChains independent vector FMAs (enough
  // chains to cover FMA latency x FMA ports on current x86-64 and arm64
  // cores) and returns the sum of the accumulators so the work cannot be
  // optimised away. FLOPs = 2 * kFmaChains * lanes * iterations.
  float (*fma_chains)(size_t iterations);
  size_t lanes;  // floats per vector of this ISA
};

SIMDTRAIN_DECLARE_TABLES(ProbeKernels, kProbeKernels)

}  // namespace simdtrain

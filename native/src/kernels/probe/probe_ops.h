// Machine probes that the benchmarks report beside their results.
#pragma once

#include <cstddef>

namespace simdtrain {

// Peak fp32 FMA throughput of the active ISA in GFLOPS, measured by running
// the probe kernel on `threads` pool threads at once for about `seconds`.
// Compute-only (no memory traffic): the ceiling a GEMM or convolution can reach.
double fma_peak_gflops(size_t threads, double seconds);

}  // namespace simdtrain

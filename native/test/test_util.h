// Helpers shared by the kernel tests: ISAs to run, sizes that hit every tail,
// deterministic random data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../src/simd/cpu_features.h"
#include "../src/simd/isa.h"

namespace testing {

// Every ISA compiled in and runnable on this CPU.
inline std::vector<simdtrain::Isa> runnable_isas() {
  std::vector<simdtrain::Isa> out;
  for (int i = 0; i < simdtrain::kIsaCount; ++i) {
    auto isa = static_cast<simdtrain::Isa>(i);
    if (simdtrain::cpu_supports(isa)) out.push_back(isa);
  }
  return out;
}

// Lengths around every vector width (1, 4, 8, 16 lanes) and unroll factor.
inline const std::vector<size_t>& tail_sizes() {
  static const std::vector<size_t> sizes = {0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 1000, 1000003};
  return sizes;
}

// Deterministic values in [-1, 1) (xorshift32).
inline std::vector<float> random_floats(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  uint32_t x = seed ? seed : 1;
  for (auto& f : v) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    f = static_cast<float>(x >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
  return v;
}

}  // namespace testing

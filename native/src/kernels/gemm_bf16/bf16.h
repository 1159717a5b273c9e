// bf16 <-> fp32 conversions, the one definition every bf16 path follows.
//
// Rounding is to nearest, ties to even; NaN stays NaN (made quiet, sign and
// top payload bits kept); fp32 denormals become signed zero, as VCVTNEPS2BF16
// does (the dot-product instructions treat bf16 denormals as zero anyway).
// Include from ISA-independent files only (inline, not in an ISA namespace).
#pragma once

#include <cstdint>
#include <cstring>

namespace simdtrain {

inline uint16_t bf16_from_float(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40u);  // quiet NaN
  if ((u & 0x7f800000u) == 0) return static_cast<uint16_t>((u >> 16) & 0x8000u);        // zero, denormal
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

inline float bf16_to_float(uint16_t h) {
  const uint32_t u = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// The fp32 value of bf16_from_float(f).
inline float bf16_round(float f) { return bf16_to_float(bf16_from_float(f)); }

}  // namespace simdtrain

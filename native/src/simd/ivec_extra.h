// Extra integer-lane operations of the vector ISA this file is compiled for,
// used by the bf16 optimizer state (which keeps bf16 bit patterns in
// Uint16Arrays and hashes its rounding bits):
//   iload_u16 / istore_u16 (+ _partial): 16-bit lanes widened to / narrowed
//     from the 32-bit IVec lanes. Narrowing keeps the low 16 bits (callers
//     pass values < 2^16); the partial forms touch only the first n < kLanes
//     elements.
//   istore_u16x2: istore_u16 of two vectors to two arrays (AVX2: one pack
//     and one permute for both).
//   imul_lo_u32: the low 32 bits of a * b per lane (exact, every ISA alike).
// Include after simd/target.h, from inside no namespace. Only the kernels
// that need these include this file (not vec_*.h), so a change here rebuilds
// only them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace simdtrain {
namespace SIMDTRAIN_NS {

#if defined(SIMDTRAIN_TARGET_AVX512)

inline IVec imul_lo_u32(IVec a, IVec b) { return _mm512_mullo_epi32(a, b); }
inline IVec iload_u16(const uint16_t* p) { return _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))); }
inline IVec iload_u16_partial(const uint16_t* p, size_t n) { return _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(tail_mask(n), p)); }
inline void istore_u16(uint16_t* p, IVec v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtepi32_epi16(v)); }
inline void istore_u16_partial(uint16_t* p, IVec v, size_t n) { _mm512_mask_cvtepi32_storeu_epi16(p, tail_mask(n), v); }

#elif defined(SIMDTRAIN_TARGET_AVX2)

inline IVec imul_lo_u32(IVec a, IVec b) { return _mm256_mullo_epi32(a, b); }
inline IVec iload_u16(const uint16_t* p) { return _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
inline IVec iload_u16_partial(const uint16_t* p, size_t n) {
  alignas(16) uint16_t tmp[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::memcpy(tmp, p, n * sizeof(uint16_t));
  return iload_u16(tmp);
}
// packus saturates signed int32 to uint16: exact for lanes in [0, 2^16).
inline void istore_u16(uint16_t* p, IVec v) {
  const __m128i packed = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), packed);
}
inline void istore_u16_partial(uint16_t* p, IVec v, size_t n) {
  alignas(16) uint16_t tmp[8];
  istore_u16(tmp, v);
  std::memcpy(p, tmp, n * sizeof(uint16_t));
}
inline void istore_u16x2(uint16_t* p0, uint16_t* p1, IVec a, IVec b) {
  const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8);  // a0..7 | b0..7
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p0), _mm256_castsi256_si128(packed));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p1), _mm256_extracti128_si256(packed, 1));
}

#elif defined(SIMDTRAIN_TARGET_SSE2)

// No pmulld in SSE2: the low words of mul_hilo_u32.
inline IVec imul_lo_u32(IVec a, IVec b) {
  IVec hi, lo;
  mul_hilo_u32(a, b, &hi, &lo);
  return lo;
}
inline IVec iload_u16(const uint16_t* p) {
  return _mm_unpacklo_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)), _mm_setzero_si128());
}
inline IVec iload_u16_partial(const uint16_t* p, size_t n) {
  alignas(16) uint16_t tmp[4] = {0, 0, 0, 0};
  std::memcpy(tmp, p, n * sizeof(uint16_t));
  return iload_u16(tmp);
}
// SSE2 has only a signed pack: sign-extend the low 16 bits first, then
// packs_epi32 keeps every bit pattern.
inline void istore_u16(uint16_t* p, IVec v) {
  const __m128i s = _mm_srai_epi32(_mm_slli_epi32(v, 16), 16);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_packs_epi32(s, s));
}
inline void istore_u16_partial(uint16_t* p, IVec v, size_t n) {
  alignas(16) uint16_t tmp[4];
  istore_u16(tmp, v);
  std::memcpy(p, tmp, n * sizeof(uint16_t));
}

#elif defined(SIMDTRAIN_TARGET_NEON)

inline IVec imul_lo_u32(IVec a, IVec b) { return vmulq_u32(a, b); }
inline IVec iload_u16(const uint16_t* p) { return vmovl_u16(vld1_u16(p)); }
inline IVec iload_u16_partial(const uint16_t* p, size_t n) {
  uint16_t tmp[4] = {0, 0, 0, 0};
  std::memcpy(tmp, p, n * sizeof(uint16_t));
  return iload_u16(tmp);
}
inline void istore_u16(uint16_t* p, IVec v) { vst1_u16(p, vmovn_u32(v)); }
inline void istore_u16_partial(uint16_t* p, IVec v, size_t n) {
  uint16_t tmp[4];
  istore_u16(tmp, v);
  std::memcpy(p, tmp, n * sizeof(uint16_t));
}

#elif defined(SIMDTRAIN_TARGET_SCALAR)

inline IVec imul_lo_u32(IVec a, IVec b) { return a * b; }
inline IVec iload_u16(const uint16_t* p) { return *p; }
inline IVec iload_u16_partial(const uint16_t* p, size_t n) { return n ? *p : 0u; }
inline void istore_u16(uint16_t* p, IVec v) { *p = static_cast<uint16_t>(v); }
inline void istore_u16_partial(uint16_t* p, IVec v, size_t n) { if (n) *p = static_cast<uint16_t>(v); }

#endif

#if !defined(SIMDTRAIN_TARGET_AVX2)
inline void istore_u16x2(uint16_t* p0, uint16_t* p1, IVec a, IVec b) {
  istore_u16(p0, a);
  istore_u16(p1, b);
}
#endif

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

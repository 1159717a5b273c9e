// 4-lane SSE2 vectors: the x86-64 baseline every 64-bit x86 CPU runs.
#pragma once

#include <emmintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace simdtrain {
namespace sse2 {

using Vec = __m128;
using Mask = __m128;
constexpr size_t kLanes = 4;

inline Vec zero() { return _mm_setzero_ps(); }
inline Vec set1(float x) { return _mm_set1_ps(x); }
inline Vec loadu(const float* p) { return _mm_loadu_ps(p); }
inline void storeu(float* p, Vec v) { _mm_storeu_ps(p, v); }
inline Vec load_partial(const float* p, size_t n) {
  alignas(16) float tmp[4] = {0, 0, 0, 0};
  std::memcpy(tmp, p, n * sizeof(float));
  return _mm_load_ps(tmp);
}
inline void store_partial(float* p, Vec v, size_t n) {
  alignas(16) float tmp[4];
  _mm_store_ps(tmp, v);
  std::memcpy(p, tmp, n * sizeof(float));
}

inline Vec add(Vec a, Vec b) { return _mm_add_ps(a, b); }
inline Vec sub(Vec a, Vec b) { return _mm_sub_ps(a, b); }
inline Vec mul(Vec a, Vec b) { return _mm_mul_ps(a, b); }
inline Vec div(Vec a, Vec b) { return _mm_div_ps(a, b); }
// No FMA in SSE2: two roundings instead of one.
inline Vec fmadd(Vec a, Vec b, Vec c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
inline Vec fnmadd(Vec a, Vec b, Vec c) { return _mm_sub_ps(c, _mm_mul_ps(a, b)); }
inline Vec sqrt(Vec a) { return _mm_sqrt_ps(a); }
inline Vec min(Vec a, Vec b) { return _mm_min_ps(a, b); }
inline Vec max(Vec a, Vec b) { return _mm_max_ps(a, b); }
inline Vec abs(Vec a) { return _mm_and_ps(a, _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff))); }
inline Vec neg(Vec a) { return _mm_xor_ps(a, _mm_set1_ps(-0.0f)); }

inline Mask cmp_lt(Vec a, Vec b) { return _mm_cmplt_ps(a, b); }
inline Mask cmp_le(Vec a, Vec b) { return _mm_cmple_ps(a, b); }
inline Mask cmp_gt(Vec a, Vec b) { return _mm_cmpgt_ps(a, b); }
inline Mask cmp_eq(Vec a, Vec b) { return _mm_cmpeq_ps(a, b); }
inline Mask cmp_unord(Vec a, Vec b) { return _mm_cmpunord_ps(a, b); }
inline Vec select(Mask m, Vec if_true, Vec if_false) {
  return _mm_or_ps(_mm_and_ps(m, if_true), _mm_andnot_ps(m, if_false));
}

inline float reduce_add(Vec v) {
  Vec hi = _mm_movehl_ps(v, v);
  Vec s = _mm_add_ps(v, hi);
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
inline float reduce_max(Vec v) {
  Vec m = _mm_max_ps(v, _mm_movehl_ps(v, v));
  m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
  return _mm_cvtss_f32(m);
}

// ---- 32-bit integer lanes (counter-based RNG, rng kernels) ----------------
// Exact integer ops plus bit casts and int->float conversion; together with
// add/sub/mul/div/sqrt above they give the same bits on every ISA.
using IVec = __m128i;

inline IVec iset1(uint32_t x) { return _mm_set1_epi32(static_cast<int>(x)); }
inline IVec iota_u32() { return _mm_setr_epi32(0, 1, 2, 3); }
inline IVec iloadu(const uint32_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
inline void istoreu(uint32_t* p, IVec v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }
inline IVec iadd(IVec a, IVec b) { return _mm_add_epi32(a, b); }
inline IVec ixor(IVec a, IVec b) { return _mm_xor_si128(a, b); }
inline IVec iand(IVec a, IVec b) { return _mm_and_si128(a, b); }
inline IVec ior(IVec a, IVec b) { return _mm_or_si128(a, b); }
template <int kBits>
inline IVec ishr(IVec a) { return _mm_srli_epi32(a, kBits); }
template <int kBits>
inline IVec ishl(IVec a) { return _mm_slli_epi32(a, kBits); }
// pmuludq multiplies the even lanes; the odd lanes are shifted down into
// even position for a second multiply, then the halves are interleaved back.
inline void mul_hilo_u32(IVec a, IVec b, IVec* hi, IVec* lo) {
  const __m128i even = _mm_mul_epu32(a, b);                                       // [lo0 hi0 lo2 hi2]
  const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32));  // [lo1 hi1 lo3 hi3]
  const __m128i low_half = _mm_set_epi32(0, -1, 0, -1);
  *lo = _mm_or_si128(_mm_and_si128(even, low_half), _mm_slli_epi64(odd, 32));
  *hi = _mm_or_si128(_mm_srli_epi64(even, 32), _mm_andnot_si128(low_half, odd));
}
inline Vec cvt_i32_f32(IVec a) { return _mm_cvtepi32_ps(a); }
inline IVec bitcast_i(Vec v) { return _mm_castps_si128(v); }
inline Vec bitcast_f(IVec v) { return _mm_castsi128_ps(v); }
// True when any lane of a compare mask is set (to skip work no lane needs).
inline bool any_true(Mask m) { return _mm_movemask_ps(m) != 0; }

// ---- nn ops (train branch): building blocks for exp/tanh/erf ----------------
// Round to nearest, ties to even (SSE2 has no roundps: add and subtract
// 1.5 * 2^23, which leaves no fraction bits). Valid for |a| < 2^22.
inline Vec round_nearest(Vec a) {
  const __m128 magic = _mm_set1_ps(12582912.0f);
  return _mm_sub_ps(_mm_add_ps(a, magic), magic);
}
// 2^n for an integral n in [-126, 127] held as a float (no NaN).
inline Vec pow2i(Vec n) {
  return _mm_castsi128_ps(_mm_slli_epi32(_mm_add_epi32(_mm_cvtps_epi32(n), _mm_set1_epi32(127)), 23));
}
// ---- end nn ops -------------------------------------------------------------

// Transposes a kLanes x kLanes block: dst[c*dst_stride + r] = src[r*src_stride + c].
// Reads kLanes whole rows and writes kLanes whole rows, so a strided source
// is read a cache line at a time (the GEMM's packing of A and Bᵀ).
inline void transpose_square(const float* src, size_t src_stride, float* dst, size_t dst_stride) {
  __m128 r0 = _mm_loadu_ps(src), r1 = _mm_loadu_ps(src + src_stride);
  __m128 r2 = _mm_loadu_ps(src + 2 * src_stride), r3 = _mm_loadu_ps(src + 3 * src_stride);
  const __m128 a0 = _mm_unpacklo_ps(r0, r1), a1 = _mm_unpackhi_ps(r0, r1);
  const __m128 a2 = _mm_unpacklo_ps(r2, r3), a3 = _mm_unpackhi_ps(r2, r3);
  _mm_storeu_ps(dst, _mm_movelh_ps(a0, a2));
  _mm_storeu_ps(dst + dst_stride, _mm_movehl_ps(a2, a0));
  _mm_storeu_ps(dst + 2 * dst_stride, _mm_movelh_ps(a1, a3));
  _mm_storeu_ps(dst + 3 * dst_stride, _mm_movehl_ps(a3, a1));
}

}  // namespace sse2
}  // namespace simdtrain

// 8-lane AVX2 + FMA vectors (Haswell and later, Zen and later).
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace simdtrain {
namespace avx2 {

using Vec = __m256;
using Mask = __m256;
constexpr size_t kLanes = 8;

// Lane i is active when i < n: compare the lane index with n.
inline __m256i tail_mask(size_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

inline Vec zero() { return _mm256_setzero_ps(); }
inline Vec set1(float x) { return _mm256_set1_ps(x); }
inline Vec loadu(const float* p) { return _mm256_loadu_ps(p); }
inline void storeu(float* p, Vec v) { _mm256_storeu_ps(p, v); }
// Masked lanes are neither read nor written, so a tail never touches memory
// past the end of the array.
inline Vec load_partial(const float* p, size_t n) { return _mm256_maskload_ps(p, tail_mask(n)); }
inline void store_partial(float* p, Vec v, size_t n) { _mm256_maskstore_ps(p, tail_mask(n), v); }

inline Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
inline Vec sub(Vec a, Vec b) { return _mm256_sub_ps(a, b); }
inline Vec mul(Vec a, Vec b) { return _mm256_mul_ps(a, b); }
inline Vec div(Vec a, Vec b) { return _mm256_div_ps(a, b); }
inline Vec fmadd(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
inline Vec fnmadd(Vec a, Vec b, Vec c) { return _mm256_fnmadd_ps(a, b, c); }
inline Vec sqrt(Vec a) { return _mm256_sqrt_ps(a); }
inline Vec min(Vec a, Vec b) { return _mm256_min_ps(a, b); }
inline Vec max(Vec a, Vec b) { return _mm256_max_ps(a, b); }
inline Vec abs(Vec a) { return _mm256_and_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff))); }
inline Vec neg(Vec a) { return _mm256_xor_ps(a, _mm256_set1_ps(-0.0f)); }

inline Mask cmp_lt(Vec a, Vec b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
inline Mask cmp_le(Vec a, Vec b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
inline Mask cmp_gt(Vec a, Vec b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
inline Mask cmp_eq(Vec a, Vec b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
inline Mask cmp_unord(Vec a, Vec b) { return _mm256_cmp_ps(a, b, _CMP_UNORD_Q); }
inline Vec select(Mask m, Vec if_true, Vec if_false) { return _mm256_blendv_ps(if_false, if_true, m); }

inline float reduce_add(Vec v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
inline float reduce_max(Vec v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
  return _mm_cvtss_f32(m);
}

// ---- 32-bit integer lanes (counter-based RNG, rng kernels) ----------------
// Exact integer ops plus bit casts and int->float conversion; together with
// add/sub/mul/div/sqrt above they give the same bits on every ISA.
using IVec = __m256i;

inline IVec iset1(uint32_t x) { return _mm256_set1_epi32(static_cast<int>(x)); }
inline IVec iota_u32() { return _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7); }
inline IVec iloadu(const uint32_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
inline void istoreu(uint32_t* p, IVec v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
inline IVec iadd(IVec a, IVec b) { return _mm256_add_epi32(a, b); }
inline IVec ixor(IVec a, IVec b) { return _mm256_xor_si256(a, b); }
inline IVec iand(IVec a, IVec b) { return _mm256_and_si256(a, b); }
inline IVec ior(IVec a, IVec b) { return _mm256_or_si256(a, b); }
template <int kBits>
inline IVec ishr(IVec a) { return _mm256_srli_epi32(a, kBits); }
template <int kBits>
inline IVec ishl(IVec a) { return _mm256_slli_epi32(a, kBits); }
// vpmuludq multiplies the even lanes; odd lanes are shifted into even
// position for a second multiply, then blended back.
inline void mul_hilo_u32(IVec a, IVec b, IVec* hi, IVec* lo) {
  const __m256i even = _mm256_mul_epu32(a, b);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
  *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}
inline Vec cvt_i32_f32(IVec a) { return _mm256_cvtepi32_ps(a); }
inline IVec bitcast_i(Vec v) { return _mm256_castps_si256(v); }
inline Vec bitcast_f(IVec v) { return _mm256_castsi256_ps(v); }
// True when any lane of a compare mask is set (to skip work no lane needs).
inline bool any_true(Mask m) { return _mm256_movemask_ps(m) != 0; }

// ---- nn ops (train branch): building blocks for exp/tanh/erf ----------------
// Round to nearest, ties to even. Valid for |a| < 2^22.
inline Vec round_nearest(Vec a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
// 2^n for an integral n in [-126, 127] held as a float (no NaN).
inline Vec pow2i(Vec n) {
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
}
// ---- end nn ops -------------------------------------------------------------

// Transposes a kLanes x kLanes block: dst[c*dst_stride + r] = src[r*src_stride + c].
// Reads kLanes whole rows and writes kLanes whole rows, so a strided source
// is read a cache line at a time (the GEMM's packing of A and Bᵀ).
inline void transpose_square(const float* src, size_t src_stride, float* dst, size_t dst_stride) {
  // Pairs, then quads within each 128-bit half, then the 2 x 2 grid of halves.
  __m256 r[8], a[8], b[8];
  for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * src_stride);
  for (int i = 0; i < 4; ++i) {
    a[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    a[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  // b[4i+m], half q: rows 4i..4i+3 of column 4q+m.
  for (int i = 0; i < 2; ++i) {
    b[4 * i + 0] = _mm256_shuffle_ps(a[4 * i], a[4 * i + 2], 0x44);
    b[4 * i + 1] = _mm256_shuffle_ps(a[4 * i], a[4 * i + 2], 0xEE);
    b[4 * i + 2] = _mm256_shuffle_ps(a[4 * i + 1], a[4 * i + 3], 0x44);
    b[4 * i + 3] = _mm256_shuffle_ps(a[4 * i + 1], a[4 * i + 3], 0xEE);
  }
  for (int m = 0; m < 4; ++m) {
    _mm256_storeu_ps(dst + m * dst_stride, _mm256_permute2f128_ps(b[m], b[4 + m], 0x20));
    _mm256_storeu_ps(dst + (4 + m) * dst_stride, _mm256_permute2f128_ps(b[m], b[4 + m], 0x31));
  }
}

}  // namespace avx2
}  // namespace simdtrain

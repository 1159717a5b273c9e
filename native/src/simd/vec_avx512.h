// 16-lane AVX-512 (F/BW/DQ/VL) vectors with opmask tails.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace simdtrain {
namespace avx512 {

using Vec = __m512;
using Mask = __mmask16;
constexpr size_t kLanes = 16;

inline __mmask16 tail_mask(size_t n) { return static_cast<__mmask16>((1u << n) - 1u); }

inline Vec zero() { return _mm512_setzero_ps(); }
inline Vec set1(float x) { return _mm512_set1_ps(x); }
inline Vec loadu(const float* p) { return _mm512_loadu_ps(p); }
inline void storeu(float* p, Vec v) { _mm512_storeu_ps(p, v); }
// Masked lanes are neither read nor written (no fault past the end).
inline Vec load_partial(const float* p, size_t n) { return _mm512_maskz_loadu_ps(tail_mask(n), p); }
inline void store_partial(float* p, Vec v, size_t n) { _mm512_mask_storeu_ps(p, tail_mask(n), v); }

inline Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
inline Vec sub(Vec a, Vec b) { return _mm512_sub_ps(a, b); }
inline Vec mul(Vec a, Vec b) { return _mm512_mul_ps(a, b); }
inline Vec div(Vec a, Vec b) { return _mm512_div_ps(a, b); }
inline Vec fmadd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
inline Vec fnmadd(Vec a, Vec b, Vec c) { return _mm512_fnmadd_ps(a, b, c); }
inline Vec sqrt(Vec a) { return _mm512_sqrt_ps(a); }
inline Vec min(Vec a, Vec b) { return _mm512_min_ps(a, b); }
inline Vec max(Vec a, Vec b) { return _mm512_max_ps(a, b); }
inline Vec abs(Vec a) { return _mm512_abs_ps(a); }
inline Vec neg(Vec a) { return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a), _mm512_set1_epi32(INT32_MIN))); }

inline Mask cmp_lt(Vec a, Vec b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
inline Mask cmp_le(Vec a, Vec b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
inline Mask cmp_gt(Vec a, Vec b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
inline Mask cmp_eq(Vec a, Vec b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
inline Mask cmp_unord(Vec a, Vec b) { return _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q); }
inline Vec select(Mask m, Vec if_true, Vec if_false) { return _mm512_mask_blend_ps(m, if_false, if_true); }

inline float reduce_add(Vec v) { return _mm512_reduce_add_ps(v); }
inline float reduce_max(Vec v) { return _mm512_reduce_max_ps(v); }

// ---- 32-bit integer lanes (counter-based RNG, rng kernels) ----------------
// Exact integer ops plus bit casts and int->float conversion; together with
// add/sub/mul/div/sqrt above they give the same bits on every ISA.
using IVec = __m512i;

inline IVec iset1(uint32_t x) { return _mm512_set1_epi32(static_cast<int>(x)); }
inline IVec iota_u32() { return _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15); }
inline IVec iloadu(const uint32_t* p) { return _mm512_loadu_si512(p); }
inline void istoreu(uint32_t* p, IVec v) { _mm512_storeu_si512(p, v); }
inline IVec iadd(IVec a, IVec b) { return _mm512_add_epi32(a, b); }
inline IVec ixor(IVec a, IVec b) { return _mm512_xor_si512(a, b); }
inline IVec iand(IVec a, IVec b) { return _mm512_and_si512(a, b); }
inline IVec ior(IVec a, IVec b) { return _mm512_or_si512(a, b); }
template <int kBits>
inline IVec ishr(IVec a) { return _mm512_srli_epi32(a, kBits); }
template <int kBits>
inline IVec ishl(IVec a) { return _mm512_slli_epi32(a, kBits); }
// vpmuludq multiplies the even lanes; odd lanes are shifted into even
// position for a second multiply, then blended back under an opmask.
inline void mul_hilo_u32(IVec a, IVec b, IVec* hi, IVec* lo) {
  const __m512i even = _mm512_mul_epu32(a, b);
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b, 32));
  *lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  *hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
}
inline Vec cvt_i32_f32(IVec a) { return _mm512_cvtepi32_ps(a); }
inline IVec bitcast_i(Vec v) { return _mm512_castps_si512(v); }
inline Vec bitcast_f(IVec v) { return _mm512_castsi512_ps(v); }
// True when any lane of a compare mask is set (to skip work no lane needs).
inline bool any_true(Mask m) { return m != 0; }

// ---- nn ops (train branch): building blocks for exp/tanh/erf ----------------
// Round to nearest, ties to even. Valid for |a| < 2^22.
inline Vec round_nearest(Vec a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
// 2^n for an integral n in [-126, 127] held as a float (no NaN).
inline Vec pow2i(Vec n) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23));
}
// ---- end nn ops -------------------------------------------------------------

// Transposes a kLanes x kLanes block: dst[c*dst_stride + r] = src[r*src_stride + c].
// Reads kLanes whole rows and writes kLanes whole rows, so a strided source
// is read a cache line at a time (the GEMM's packing of A and Bᵀ).
inline void transpose_square(const float* src, size_t src_stride, float* dst, size_t dst_stride) {
  // Pairs, then quads within each 128-bit block, then the 4 x 4 grid of blocks.
  __m512 r[16], a[16], b[16];
  for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(src + i * src_stride);
  for (int i = 0; i < 8; ++i) {
    a[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    a[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  // b[4i+m], block q: rows 4i..4i+3 of column 4q+m.
  for (int i = 0; i < 4; ++i) {
    b[4 * i + 0] = _mm512_shuffle_ps(a[4 * i], a[4 * i + 2], 0x44);
    b[4 * i + 1] = _mm512_shuffle_ps(a[4 * i], a[4 * i + 2], 0xEE);
    b[4 * i + 2] = _mm512_shuffle_ps(a[4 * i + 1], a[4 * i + 3], 0x44);
    b[4 * i + 3] = _mm512_shuffle_ps(a[4 * i + 1], a[4 * i + 3], 0xEE);
  }
  for (int m = 0; m < 4; ++m) {
    const __m512 even0 = _mm512_shuffle_f32x4(b[m], b[4 + m], 0x88);  // blocks 0, 2 of each
    const __m512 odd0 = _mm512_shuffle_f32x4(b[m], b[4 + m], 0xDD);   // blocks 1, 3 of each
    const __m512 even1 = _mm512_shuffle_f32x4(b[8 + m], b[12 + m], 0x88);
    const __m512 odd1 = _mm512_shuffle_f32x4(b[8 + m], b[12 + m], 0xDD);
    _mm512_storeu_ps(dst + (0 + m) * dst_stride, _mm512_shuffle_f32x4(even0, even1, 0x88));
    _mm512_storeu_ps(dst + (4 + m) * dst_stride, _mm512_shuffle_f32x4(odd0, odd1, 0x88));
    _mm512_storeu_ps(dst + (8 + m) * dst_stride, _mm512_shuffle_f32x4(even0, even1, 0xDD));
    _mm512_storeu_ps(dst + (12 + m) * dst_stride, _mm512_shuffle_f32x4(odd0, odd1, 0xDD));
  }
}

}  // namespace avx512
}  // namespace simdtrain

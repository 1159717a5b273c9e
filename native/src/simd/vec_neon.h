// 4-lane NEON vectors (every AArch64 CPU).
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace simdtrain {
namespace neon {

using Vec = float32x4_t;
using Mask = uint32x4_t;
constexpr size_t kLanes = 4;

inline Vec zero() { return vdupq_n_f32(0.0f); }
inline Vec set1(float x) { return vdupq_n_f32(x); }
inline Vec loadu(const float* p) { return vld1q_f32(p); }
inline void storeu(float* p, Vec v) { vst1q_f32(p, v); }
inline Vec load_partial(const float* p, size_t n) {
  float tmp[4] = {0, 0, 0, 0};
  std::memcpy(tmp, p, n * sizeof(float));
  return vld1q_f32(tmp);
}
inline void store_partial(float* p, Vec v, size_t n) {
  float tmp[4];
  vst1q_f32(tmp, v);
  std::memcpy(p, tmp, n * sizeof(float));
}

inline Vec add(Vec a, Vec b) { return vaddq_f32(a, b); }
inline Vec sub(Vec a, Vec b) { return vsubq_f32(a, b); }
inline Vec mul(Vec a, Vec b) { return vmulq_f32(a, b); }
inline Vec div(Vec a, Vec b) { return vdivq_f32(a, b); }
inline Vec fmadd(Vec a, Vec b, Vec c) { return vfmaq_f32(c, a, b); }
inline Vec fnmadd(Vec a, Vec b, Vec c) { return vfmsq_f32(c, a, b); }
inline Vec sqrt(Vec a) { return vsqrtq_f32(a); }
// Match x86 minps/maxps: the second operand wins when either is NaN.
inline Vec min(Vec a, Vec b) { return vbslq_f32(vcltq_f32(a, b), a, b); }
inline Vec max(Vec a, Vec b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
inline Vec abs(Vec a) { return vabsq_f32(a); }
inline Vec neg(Vec a) { return vnegq_f32(a); }

inline Mask cmp_lt(Vec a, Vec b) { return vcltq_f32(a, b); }
inline Mask cmp_le(Vec a, Vec b) { return vcleq_f32(a, b); }
inline Mask cmp_gt(Vec a, Vec b) { return vcgtq_f32(a, b); }
inline Mask cmp_eq(Vec a, Vec b) { return vceqq_f32(a, b); }
inline Mask cmp_unord(Vec a, Vec b) { return vmvnq_u32(vandq_u32(vceqq_f32(a, a), vceqq_f32(b, b))); }
inline Vec select(Mask m, Vec if_true, Vec if_false) { return vbslq_f32(m, if_true, if_false); }

inline float reduce_add(Vec v) { return vaddvq_f32(v); }
inline float reduce_max(Vec v) { return vmaxvq_f32(v); }

// ---- 32-bit integer lanes (counter-based RNG, rng kernels) ----------------
// Exact integer ops plus bit casts and int->float conversion; together with
// add/sub/mul/div/sqrt above they give the same bits on every ISA.
using IVec = uint32x4_t;

inline IVec iset1(uint32_t x) { return vdupq_n_u32(x); }
inline IVec iota_u32() {
  static const uint32_t kIota[4] = {0, 1, 2, 3};
  return vld1q_u32(kIota);
}
inline IVec iloadu(const uint32_t* p) { return vld1q_u32(p); }
inline void istoreu(uint32_t* p, IVec v) { vst1q_u32(p, v); }
inline IVec iadd(IVec a, IVec b) { return vaddq_u32(a, b); }
inline IVec ixor(IVec a, IVec b) { return veorq_u32(a, b); }
inline IVec iand(IVec a, IVec b) { return vandq_u32(a, b); }
inline IVec ior(IVec a, IVec b) { return vorrq_u32(a, b); }
template <int kBits>
inline IVec ishr(IVec a) { return vshrq_n_u32(a, kBits); }
template <int kBits>
inline IVec ishl(IVec a) { return vshlq_n_u32(a, kBits); }
// umull / umull2 give the 64-bit products of lanes 0-1 and 2-3; uzp1/uzp2
// gather their low and high words back into lane order.
inline void mul_hilo_u32(IVec a, IVec b, IVec* hi, IVec* lo) {
  const uint32x4_t p01 = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(a), vget_low_u32(b)));  // [lo0 hi0 lo1 hi1]
  const uint32x4_t p23 = vreinterpretq_u32_u64(vmull_high_u32(a, b));                          // [lo2 hi2 lo3 hi3]
  *lo = vuzp1q_u32(p01, p23);
  *hi = vuzp2q_u32(p01, p23);
}
inline Vec cvt_i32_f32(IVec a) { return vcvtq_f32_s32(vreinterpretq_s32_u32(a)); }
inline IVec bitcast_i(Vec v) { return vreinterpretq_u32_f32(v); }
inline Vec bitcast_f(IVec v) { return vreinterpretq_f32_u32(v); }
// True when any lane of a compare mask is set (to skip work no lane needs).
inline bool any_true(Mask m) { return vmaxvq_u32(m) != 0; }

// ---- nn ops (train branch): building blocks for exp/tanh/erf ----------------
// Round to nearest, ties to even. Valid for |a| < 2^22.
inline Vec round_nearest(Vec a) { return vrndnq_f32(a); }
// 2^n for an integral n in [-126, 127] held as a float (no NaN).
inline Vec pow2i(Vec n) {
  return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(vcvtnq_s32_f32(n), vdupq_n_s32(127)), 23));
}
// ---- end nn ops -------------------------------------------------------------

// Transposes a kLanes x kLanes block: dst[c*dst_stride + r] = src[r*src_stride + c].
// Reads kLanes whole rows and writes kLanes whole rows, so a strided source
// is read a cache line at a time (the GEMM's packing of A and Bᵀ).
inline void transpose_square(const float* src, size_t src_stride, float* dst, size_t dst_stride) {
  const float32x4x2_t t01 = vtrnq_f32(vld1q_f32(src), vld1q_f32(src + src_stride));
  const float32x4x2_t t23 = vtrnq_f32(vld1q_f32(src + 2 * src_stride), vld1q_f32(src + 3 * src_stride));
  vst1q_f32(dst, vcombine_f32(vget_low_f32(t01.val[0]), vget_low_f32(t23.val[0])));
  vst1q_f32(dst + dst_stride, vcombine_f32(vget_low_f32(t01.val[1]), vget_low_f32(t23.val[1])));
  vst1q_f32(dst + 2 * dst_stride, vcombine_f32(vget_high_f32(t01.val[0]), vget_high_f32(t23.val[0])));
  vst1q_f32(dst + 3 * dst_stride, vcombine_f32(vget_high_f32(t01.val[1]), vget_high_f32(t23.val[1])));
}

}  // namespace neon
}  // namespace simdtrain

// One-lane "vector" for the scalar reference build of every kernel.
// Compiled without auto-vectorisation, so it is a true plain-C++ path.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace simdtrain {
namespace scalar {

using Vec = float;
using Mask = bool;
constexpr size_t kLanes = 1;

inline Vec zero() { return 0.0f; }
inline Vec set1(float x) { return x; }
inline Vec loadu(const float* p) { return *p; }
inline void storeu(float* p, Vec v) { *p = v; }
// Never called with one lane (a tail is always shorter than kLanes), but kept
// so kernels compile unchanged.
inline Vec load_partial(const float* p, size_t n) { return n ? *p : 0.0f; }
inline void store_partial(float* p, Vec v, size_t n) { if (n) *p = v; }

inline Vec add(Vec a, Vec b) { return a + b; }
inline Vec sub(Vec a, Vec b) { return a - b; }
inline Vec mul(Vec a, Vec b) { return a * b; }
inline Vec div(Vec a, Vec b) { return a / b; }
// Two roundings, like plain C++ (and SSE2); std::fma would be a slow libm
// call on the baseline target.
inline Vec fmadd(Vec a, Vec b, Vec c) { return a * b + c; }   // a*b + c
inline Vec fnmadd(Vec a, Vec b, Vec c) { return c - a * b; }  // c - a*b
inline Vec sqrt(Vec a) { return std::sqrt(a); }
inline Vec min(Vec a, Vec b) { return b < a ? b : a; }  // like minps: b when unordered
inline Vec max(Vec a, Vec b) { return b > a ? b : a; }
inline Vec abs(Vec a) { return std::fabs(a); }
inline Vec neg(Vec a) { return -a; }

inline Mask cmp_lt(Vec a, Vec b) { return a < b; }
inline Mask cmp_le(Vec a, Vec b) { return a <= b; }
inline Mask cmp_gt(Vec a, Vec b) { return a > b; }
inline Mask cmp_eq(Vec a, Vec b) { return a == b; }
inline Mask cmp_unord(Vec a, Vec b) { return std::isnan(a) || std::isnan(b); }
inline Vec select(Mask m, Vec if_true, Vec if_false) { return m ? if_true : if_false; }

inline float reduce_add(Vec v) { return v; }
inline float reduce_max(Vec v) { return v; }

// ---- 32-bit integer lanes (counter-based RNG, rng kernels) ----------------
// Exact integer ops plus bit casts and int->float conversion; together with
// add/sub/mul/div/sqrt above they give the same bits on every ISA.
using IVec = uint32_t;

inline IVec iset1(uint32_t x) { return x; }
// Lane indices 0, 1, ..., kLanes - 1.
inline IVec iota_u32() { return 0u; }
inline IVec iloadu(const uint32_t* p) { return *p; }
inline void istoreu(uint32_t* p, IVec v) { *p = v; }
inline IVec iadd(IVec a, IVec b) { return a + b; }  // wraps mod 2^32
inline IVec ixor(IVec a, IVec b) { return a ^ b; }
inline IVec iand(IVec a, IVec b) { return a & b; }
inline IVec ior(IVec a, IVec b) { return a | b; }
template <int kBits>
inline IVec ishr(IVec a) { return a >> kBits; }  // logical
template <int kBits>
inline IVec ishl(IVec a) { return a << kBits; }
// Full 32x32 -> 64-bit unsigned product, split into high and low words.
inline void mul_hilo_u32(IVec a, IVec b, IVec* hi, IVec* lo) {
  const uint64_t p = static_cast<uint64_t>(a) * b;
  *hi = static_cast<uint32_t>(p >> 32);
  *lo = static_cast<uint32_t>(p);
}
// Lanes read as signed int32, converted with round-to-nearest.
inline Vec cvt_i32_f32(IVec a) { return static_cast<float>(static_cast<int32_t>(a)); }
inline IVec bitcast_i(Vec v) { IVec r; std::memcpy(&r, &v, sizeof r); return r; }
inline Vec bitcast_f(IVec v) { Vec r; std::memcpy(&r, &v, sizeof r); return r; }
// True when any lane of a compare mask is set (to skip work no lane needs).
inline bool any_true(Mask m) { return m; }

// ---- nn ops (train branch): building blocks for exp/tanh/erf ----------------
// Round to nearest, ties to even. Valid for |a| < 2^22.
inline Vec round_nearest(Vec a) { return std::nearbyint(a); }
// 2^n for an integral n in [-126, 127] held as a float (no NaN).
inline Vec pow2i(Vec n) {
  const uint32_t bits = static_cast<uint32_t>(static_cast<int32_t>(n) + 127) << 23;
  float out;
  __builtin_memcpy(&out, &bits, sizeof out);
  return out;
}
// ---- end nn ops -------------------------------------------------------------

// Transposes a kLanes x kLanes block: dst[c*dst_stride + r] = src[r*src_stride + c].
// Reads kLanes whole rows and writes kLanes whole rows, so a strided source
// is read a cache line at a time (the GEMM's packing of A and Bᵀ).
inline void transpose_square(const float* src, size_t, float* dst, size_t) { *dst = *src; }

}  // namespace scalar
}  // namespace simdtrain

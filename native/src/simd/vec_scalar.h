// One-lane "vector" for the scalar reference build of every kernel.
// Compiled without auto-vectorisation, so it is a true plain-C++ path.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

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

}  // namespace scalar
}  // namespace simdtrain

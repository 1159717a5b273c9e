// Gradient reductions and clamping for clipGradNorm / clipGradValue and the
// non-finite check that lets a step be skipped.
#include "../../simd/target.h"

#include <cmath>
#include <limits>

#include "optim_table.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

// Four accumulators hide the add latency; combine(acc, term) folds a term in.
// Inactive tail lanes load as 0, which every fold here ignores.
template <class Term, class Combine>
Vec fold(size_t n, const float* x, Term&& term, Combine&& combine) {
  Vec a0 = zero(), a1 = zero(), a2 = zero(), a3 = zero();
  for_each_chunk_unrolled<4>(
      n,
      [&](size_t i) {
        a0 = combine(a0, term(loadu(x + i)));
        a1 = combine(a1, term(loadu(x + i + kLanes)));
        a2 = combine(a2, term(loadu(x + i + 2 * kLanes)));
        a3 = combine(a3, term(loadu(x + i + 3 * kLanes)));
      },
      [&](size_t i, auto chunk) { a0 = combine(a0, term(chunk.load(x + i))); });
  return combine(combine(a0, a1), combine(a2, a3));
}

float sum_sq(size_t n, const float* x) {
  return reduce_add(fold(n, x, [](Vec v) { return mul(v, v); }, [](Vec a, Vec b) { return add(a, b); }));
}

float sum_abs(size_t n, const float* x) {
  return reduce_add(fold(n, x, [](Vec v) { return abs(v); }, [](Vec a, Vec b) { return add(a, b); }));
}

// max_ps drops a NaN operand, so NaNs are counted separately.
float max_abs(size_t n, const float* x) {
  const Vec big = fold(n, x, [](Vec v) { return abs(v); }, [](Vec a, Vec b) { return max(a, b); });
  const Vec nan = set1(std::numeric_limits<float>::quiet_NaN());
  const Vec nans = fold(n, x, [&](Vec v) { return select(cmp_unord(v, v), nan, zero()); },
                        [](Vec a, Vec b) { return add(a, b); });
  return std::isnan(reduce_add(nans)) ? std::numeric_limits<float>::quiet_NaN() : reduce_max(big);
}

// x - x is 0 for finite x and NaN for +-Inf or NaN; NaN survives the sum.
bool any_nonfinite(size_t n, const float* x) {
  return std::isnan(reduce_add(fold(n, x, [](Vec v) { return sub(v, v); }, [](Vec a, Vec b) { return add(a, b); })));
}

// x = min(max(x, lo), hi); NaN stays NaN, as torch.clamp_.
void clamp(float* x, size_t n, float lo, float hi) {
  const Vec l = set1(lo), h = set1(hi);
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec v = chunk.load(x + i);
    chunk.store(x + i, select(cmp_unord(v, v), v, min(max(v, l), h)));
  });
}

}  // namespace

extern const GradKernels kGradKernels = {sum_sq, sum_abs, max_abs, any_nonfinite, clamp};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

// SIMD element-wise kernels (see elementwise_table.h); the scalar build of
// this file is the reference the other ISAs are tested against.
#include "../../simd/target.h"

#include "elementwise_table.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

template <int kOp>
inline Vec apply(Vec a, Vec b) {
  if constexpr (kOp == kBinAdd) return add(a, b);
  if constexpr (kOp == kBinSub) return sub(a, b);
  if constexpr (kOp == kBinMul) return mul(a, b);
  if constexpr (kOp == kBinDiv) return div(a, b);
  if constexpr (kOp == kBinRsub) return sub(b, a);
  return div(b, a);  // kBinRdiv
}

template <int kOp>
void binary_t(int mode, size_t rows, size_t cols, const float* a, const float* b, float* out) {
  for (size_t r = 0; r < rows; ++r) {
    const float* ar = a + r * cols;
    float* outr = out + r * cols;
    if (mode == kBinRow) {
      for_each_chunk(cols, [&](size_t j, auto chunk) { chunk.store(outr + j, apply<kOp>(chunk.load(ar + j), chunk.load(b + j))); });
    } else {
      const Vec bv = set1(b[r]);
      for_each_chunk(cols, [&](size_t j, auto chunk) { chunk.store(outr + j, apply<kOp>(chunk.load(ar + j), bv)); });
    }
  }
}

void binary(int op, int mode, size_t rows, size_t cols, const float* a, const float* b, float* out) {
  switch (op) {
    case kBinAdd: return binary_t<kBinAdd>(mode, rows, cols, a, b, out);
    case kBinSub: return binary_t<kBinSub>(mode, rows, cols, a, b, out);
    case kBinMul: return binary_t<kBinMul>(mode, rows, cols, a, b, out);
    case kBinDiv: return binary_t<kBinDiv>(mode, rows, cols, a, b, out);
    case kBinRsub: return binary_t<kBinRsub>(mode, rows, cols, a, b, out);
    default: return binary_t<kBinRdiv>(mode, rows, cols, a, b, out);
  }
}

void step(size_t n, const float* x, float alpha_f, float* out) {
  const Vec one = set1(1.0f), alpha = set1(alpha_f), zero_v = zero();
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec v = chunk.load(x + i);
    const Vec s = select(cmp_gt(v, zero_v), one, alpha);
    chunk.store(out + i, select(cmp_unord(v, v), v, s));
  });
}

}  // namespace

extern const ElementwiseKernels kElementwiseKernels = {binary, step};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

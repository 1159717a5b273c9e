// Activation forward (fused with the bias add) and backward, column sums for
// bias gradients, and a finiteness check, written once over the SIMD
// abstraction; the build compiles this file once per ISA.
#include <type_traits>

#include "../../simd/target.h"
#include "nn_table.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

#include "nn_math.inl"

// y = act(x) for the element-wise activations.
// Calls fn(std::integral_constant<int, kAct>{}) for a point-wise activation
// code: one compiled body per activation; any other code runs as linear.
template <class Fn>
inline void with_pointwise_act(int act, Fn&& fn) {
  switch (act) {
    case kActRelu: return fn(std::integral_constant<int, kActRelu>{});
    case kActLeakyRelu: return fn(std::integral_constant<int, kActLeakyRelu>{});
    case kActSigmoid: return fn(std::integral_constant<int, kActSigmoid>{});
    case kActTanh: return fn(std::integral_constant<int, kActTanh>{});
    case kActGelu: return fn(std::integral_constant<int, kActGelu>{});
    default: return fn(std::integral_constant<int, kActLinear>{});
  }
}

template <int kAct>
inline Vec act_forward(Vec x, Vec alpha) {
  // NaN stays NaN and -0 gives +0 (as the GEMM epilogue's relu, PyTorch, and tfjs's Math.max(0, x)).
  if constexpr (kAct == kActRelu) return select(cmp_unord(x, x), x, select(cmp_gt(x, zero()), x, zero()));
  if constexpr (kAct == kActLeakyRelu) return select(cmp_gt(x, zero()), x, mul(alpha, x));
  if constexpr (kAct == kActSigmoid) return vsigmoid(x);
  if constexpr (kAct == kActTanh) return vtanh(x);
  if constexpr (kAct == kActGelu) return mul(x, vphi(x));
  return x;  // linear
}

// dL/dx from dL/dy, the input x and the output y.
template <int kAct>
inline Vec act_backward_one(Vec x, Vec y, Vec dy, Vec alpha) {
  if constexpr (kAct == kActRelu) return select(cmp_gt(y, zero()), dy, zero());
  if constexpr (kAct == kActLeakyRelu) return select(cmp_gt(x, zero()), dy, mul(alpha, dy));
  if constexpr (kAct == kActSigmoid) return mul(dy, mul(y, sub(set1(1.0f), y)));
  if constexpr (kAct == kActTanh) return mul(dy, fnmadd(y, y, set1(1.0f)));
  if constexpr (kAct == kActGelu) return mul(dy, fmadd(x, vnormal_pdf(x), vphi(x)));
  return dy;  // linear
}

// Sum of p[0..n) (partial loads give 0 in inactive lanes, which is neutral).
float row_sum(const float* p, size_t n) {
  Vec acc = zero();
  for_each_chunk(n, [&](size_t j, auto chunk) { acc = add(acc, chunk.load(p + j)); });
  return reduce_add(acc);
}

// In place: y = softmax(y) over one row.
void softmax_row(float* y, size_t n) {
  const Vec m = set1(row_max(y, n));
  for_each_chunk(n, [&](size_t j, auto chunk) { chunk.store(y + j, vexp(sub(chunk.load(y + j), m))); });
  const Vec inv = set1(1.0f / row_sum(y, n));
  for_each_chunk(n, [&](size_t j, auto chunk) { chunk.store(y + j, mul(chunk.load(y + j), inv)); });
}

template <int kAct>
void bias_act_t(size_t rows, size_t cols, const float* x, const float* bias, float* y, float alpha_f) {
  const Vec alpha = set1(alpha_f);
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    for_each_chunk(cols, [&](size_t j, auto chunk) {
      Vec v = chunk.load(xr + j);
      if (bias) v = add(v, chunk.load(bias + j));
      chunk.store(yr + j, act_forward<kAct>(v, alpha));
    });
    if constexpr (kAct == kActSoftmax) softmax_row(yr, cols);
  }
}

void bias_act(size_t rows, size_t cols, const float* x, const float* bias, float* y, int act, float alpha) {
  if (act == kActSoftmax) return bias_act_t<kActSoftmax>(rows, cols, x, bias, y, alpha);
  with_pointwise_act(act, [&](auto a) { bias_act_t<decltype(a)::value>(rows, cols, x, bias, y, alpha); });
}

template <int kAct>
void act_backward_t(size_t rows, size_t cols, const float* x, const float* y, const float* dy, float* dx, float alpha_f) {
  const Vec alpha = set1(alpha_f);
  constexpr bool kNeedsInput = act_needs_input(kAct);
  // Element-wise activations are one flat pass; x is only read when needed.
  const size_t n = rows * cols;
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec xv = kNeedsInput ? chunk.load(x + i) : zero();
    chunk.store(dx + i, act_backward_one<kAct>(xv, chunk.load(y + i), chunk.load(dy + i), alpha));
  });
}

void softmax_backward(size_t rows, size_t cols, const float* y, const float* dy, float* dx) {
  for (size_t r = 0; r < rows; ++r) {
    const float* yr = y + r * cols;
    const float* dyr = dy + r * cols;
    float* dxr = dx + r * cols;
    Vec acc = zero();
    for_each_chunk(cols, [&](size_t j, auto chunk) { acc = fmadd(chunk.load(dyr + j), chunk.load(yr + j), acc); });
    const Vec s = set1(reduce_add(acc));
    for_each_chunk(cols, [&](size_t j, auto chunk) {
      chunk.store(dxr + j, mul(chunk.load(yr + j), sub(chunk.load(dyr + j), s)));
    });
  }
}

void act_backward(size_t rows, size_t cols, const float* x, const float* y, const float* dy, float* dx, int act,
                  float alpha) {
  if (act == kActSoftmax) return softmax_backward(rows, cols, y, dy, dx);
  with_pointwise_act(act, [&](auto a) { act_backward_t<decltype(a)::value>(rows, cols, x, y, dy, dx, alpha); });
}

// Up to kColVecs vectors of columns walk the rows together (one pass over x
// instead of one per vector).
constexpr size_t kColVecs = 8;

// sums[j] = (accumulate ? sums[j] : 0) + Σ_r value(r * ld + j), rows added in
// order; value(i, chunk) gives the vector at offset i.
template <class Value>
inline void sum_columns(size_t rows, size_t cols, size_t ld, float* sums, bool accumulate, Value&& value) {
  for_each_chunk_unrolled<kColVecs>(
      cols,
      [&](size_t j) {
        Vec acc[kColVecs];
        for (size_t q = 0; q < kColVecs; ++q) acc[q] = accumulate ? loadu(sums + j + q * kLanes) : zero();
        for (size_t r = 0; r < rows; ++r)
          for (size_t q = 0; q < kColVecs; ++q) acc[q] = add(acc[q], value(r * ld + j + q * kLanes, FullChunk{}));
        for (size_t q = 0; q < kColVecs; ++q) storeu(sums + j + q * kLanes, acc[q]);
      },
      [&](size_t j, auto chunk) {
        Vec acc = accumulate ? chunk.load(sums + j) : zero();
        for (size_t r = 0; r < rows; ++r) acc = add(acc, value(r * ld + j, chunk));
        chunk.store(sums + j, acc);
      });
}

// Rows are added in order for every column (no FMA), so the result has the
// same bits on every ISA and for any split of the columns.
void col_sums(size_t rows, size_t cols, size_t ld, const float* x, float* out, bool accumulate) {
  sum_columns(rows, cols, ld, out, accumulate, [&](size_t i, auto chunk) { return chunk.load(x + i); });
}

// act_backward_t's dx and col_sums' column sums of dx in one pass over a
// block of columns (row stride ld): the same bits as the two passes.
template <int kAct>
void act_backward_col_sums_t(size_t rows, size_t cols, size_t ld, const float* x, const float* y, const float* dy,
                             float* dx, float alpha_f, float* sums, bool accumulate) {
  const Vec alpha = set1(alpha_f);
  constexpr bool kNeedsInput = act_needs_input(kAct);
  sum_columns(rows, cols, ld, sums, accumulate, [&](size_t i, auto chunk) {
    const Vec xv = kNeedsInput ? chunk.load(x + i) : zero();
    const Vec g = act_backward_one<kAct>(xv, chunk.load(y + i), chunk.load(dy + i), alpha);
    chunk.store(dx + i, g);
    return g;
  });
}

void act_backward_col_sums(size_t rows, size_t cols, size_t ld, const float* x, const float* y, const float* dy,
                           float* dx, int act, float alpha, float* sums, bool accumulate) {
  with_pointwise_act(act, [&](auto a) {
    act_backward_col_sums_t<decltype(a)::value>(rows, cols, ld, x, y, dy, dx, alpha, sums, accumulate);
  });
}

// v - v is 0 for finite v and NaN for NaN or +-Inf; inactive tail lanes are 0.
bool all_finite(size_t n, const float* x) {
  Vec acc = zero();
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec v = chunk.load(x + i);
    acc = add(acc, sub(v, v));
  });
  const float total = reduce_add(acc);
  return total == total;
}

}  // namespace

extern const NnActKernels kNnActKernels = {bias_act, act_backward, col_sums, act_backward_col_sums, all_finite};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

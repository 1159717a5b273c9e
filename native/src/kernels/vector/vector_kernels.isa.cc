// Vector primitives, written once over the SIMD abstraction; the build
// compiles this file once per ISA (see simd/target.h).
#include "../../simd/target.h"
#include "vector_table.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

void fill(float* out, size_t n, float value) {
  const Vec v = set1(value);
  for_each_chunk(n, [&](size_t i, auto chunk) { chunk.store(out + i, v); });
}

void scale(float* x, size_t n, float alpha) {
  const Vec a = set1(alpha);
  for_each_chunk(n, [&](size_t i, auto chunk) { chunk.store(x + i, mul(chunk.load(x + i), a)); });
}

void axpy(size_t n, float alpha, const float* x, float* y) {
  const Vec a = set1(alpha);
  for_each_chunk(n, [&](size_t i, auto chunk) {
    chunk.store(y + i, fmadd(a, chunk.load(x + i), chunk.load(y + i)));
  });
}

// Four independent accumulators hide the add latency; `term` maps the loaded
// element(s) at offset i to the value to accumulate.
template <class Term>
double reduce_sum(size_t n, Term&& term) {
  Vec acc0 = zero(), acc1 = zero(), acc2 = zero(), acc3 = zero();
  for_each_chunk_unrolled<4>(
      n,
      [&](size_t i) {
        acc0 = add(acc0, term(i, FullChunk{}));
        acc1 = add(acc1, term(i + kLanes, FullChunk{}));
        acc2 = add(acc2, term(i + 2 * kLanes, FullChunk{}));
        acc3 = add(acc3, term(i + 3 * kLanes, FullChunk{}));
      },
      [&](size_t i, auto chunk) { acc0 = add(acc0, term(i, chunk)); });
  return static_cast<double>(reduce_add(add(add(acc0, acc1), add(acc2, acc3))));
}

double dot(size_t n, const float* x, const float* y) {
  return reduce_sum(n, [&](size_t i, auto chunk) { return mul(chunk.load(x + i), chunk.load(y + i)); });
}

double sum(size_t n, const float* x) {
  return reduce_sum(n, [&](size_t i, auto chunk) { return chunk.load(x + i); });
}

double sum_sq(size_t n, const float* x) {
  return reduce_sum(n, [&](size_t i, auto chunk) {
    const Vec v = chunk.load(x + i);
    return mul(v, v);
  });
}

}  // namespace

extern const VectorKernels kVectorKernels = {fill, scale, axpy, dot, sum, sum_sq};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

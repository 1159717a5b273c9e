#include "vector_ops.h"

#include <vector>

#include "../../core/thread_pool.h"
#include "vector_table.h"

namespace simdtrain {
namespace {

// Below this many elements per thread, waking a pool thread (tens of us)
// costs more than it saves: bench/vector.bench.js showed 2 threads slower
// than 1 at 1e5 elements with a 64 Ki threshold, and faster at 1e7.
constexpr size_t kMinElementsPerThread = 1 << 18;
// Reductions are computed per block of this many elements, then summed in
// block order, which keeps results identical for any thread count.
constexpr size_t kReduceBlock = 1 << 16;

const VectorKernels& kernels() { return SIMDTRAIN_PICK(kVectorKernels); }

template <class BlockFn>
double blocked_reduce(size_t n, BlockFn&& block_fn) {
  const size_t blocks = (n + kReduceBlock - 1) / kReduceBlock;
  if (blocks <= 1) return n ? block_fn(0, n) : 0.0;
  std::vector<double> partial(blocks);
  parallel_for(blocks, kMinElementsPerThread / kReduceBlock, [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) {
      const size_t begin = b * kReduceBlock;
      const size_t end = begin + kReduceBlock < n ? begin + kReduceBlock : n;
      partial[b] = block_fn(begin, end - begin);
    }
  });
  double total = 0.0;
  for (double p : partial) total += p;
  return total;
}

}  // namespace

void vec_fill(float* out, size_t n, float value) {
  const auto& k = kernels();
  parallel_for(n, kMinElementsPerThread, [&](size_t b, size_t e) { k.fill(out + b, e - b, value); });
}

void vec_scale(float* x, size_t n, float alpha) {
  const auto& k = kernels();
  parallel_for(n, kMinElementsPerThread, [&](size_t b, size_t e) { k.scale(x + b, e - b, alpha); });
}

void vec_axpy(size_t n, float alpha, const float* x, float* y) {
  const auto& k = kernels();
  parallel_for(n, kMinElementsPerThread, [&](size_t b, size_t e) { k.axpy(e - b, alpha, x + b, y + b); });
}

double vec_dot(size_t n, const float* x, const float* y) {
  const auto& k = kernels();
  return blocked_reduce(n, [&](size_t b, size_t len) { return k.dot(len, x + b, y + b); });
}

double vec_sum(size_t n, const float* x) {
  const auto& k = kernels();
  return blocked_reduce(n, [&](size_t b, size_t len) { return k.sum(len, x + b); });
}

double vec_sum_sq(size_t n, const float* x) {
  const auto& k = kernels();
  return blocked_reduce(n, [&](size_t b, size_t len) { return k.sum_sq(len, x + b); });
}

}  // namespace simdtrain

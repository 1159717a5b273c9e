// Multi-threaded, dispatched vector primitives: what the addon and other
// kernels call. Element-wise ops split the range over the thread pool above a
// size threshold. Reductions sum fixed 64 Ki-element blocks and add the block
// results in order, so the answer does not depend on the thread count.
#pragma once

#include <cstddef>

namespace simdtrain {

void vec_fill(float* out, size_t n, float value);
void vec_scale(float* x, size_t n, float alpha);
void vec_axpy(size_t n, float alpha, const float* x, float* y);
double vec_dot(size_t n, const float* x, const float* y);
double vec_sum(size_t n, const float* x);
double vec_sum_sq(size_t n, const float* x);

}  // namespace simdtrain

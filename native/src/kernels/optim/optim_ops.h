// Dispatched, multi-threaded optimizer entry points: what the addon calls.
// One call updates a whole list of tensors; the elements of all tensors are
// split evenly over the thread pool when there are enough of them.
#pragma once

#include <cstddef>

#include "optim_types.h"

namespace simdtrain {

struct OptimTensorArgs {
  OptimSpan span;
  size_t n = 0;
  OptimScalars scalars;
  double lr = 0;  // LAMB: lr in double, for lr * trust
};

// Below this many elements in total, a step runs on the calling thread.
// Measured with bench/optim.bench.js (see the comment in optim_ops.cc).
size_t optim_parallel_threshold();

// One step of `kind` for every tensor. The caller has validated everything.
void optim_step(OptimKind kind, OptimTensorArgs* tensors, size_t count);

// True when any element of any array is +-Inf or NaN.
bool arrays_any_nonfinite(const float* const* xs, const size_t* ns, size_t count);

// Norm of the concatenation of the arrays: norm_type 1, 2, or 0 for the
// infinity norm (max |x|; NaN when any element is NaN). Block sums are added
// in a fixed order, so the result does not depend on the thread count.
double arrays_norm(const float* const* xs, const size_t* ns, size_t count, int norm_type);

// x = clamp(x, lo, hi) over every array (NaN stays NaN).
void arrays_clamp(float* const* xs, const size_t* ns, size_t count, float lo, float hi);

}  // namespace simdtrain

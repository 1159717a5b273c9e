#include "elementwise_ops.h"

namespace simdtrain {

void ew_binary(int op, int mode, size_t rows, size_t cols, const float* a, const float* b, float* out) {
  SIMDTRAIN_PICK(kElementwiseKernels).binary(op, mode, rows, cols, a, b, out);
}

void ew_step(size_t n, const float* x, float alpha, float* out) { SIMDTRAIN_PICK(kElementwiseKernels).step(n, x, alpha, out); }


}  // namespace simdtrain

// The plain triple-loop GEMM the tests compare against: accumulates in double
// and rounds once per element, so its own error is negligible.
#include "gemm.h"

namespace simdtrain {

void gemm_reference(const GemmArgs& g) {
  for (size_t i = 0; i < g.m; ++i) {
    for (size_t j = 0; j < g.n; ++j) {
      double sum = 0.0;
      if (g.alpha != 0.0f) {  // BLAS: alpha == 0 does not read A or B
        for (size_t p = 0; p < g.k; ++p) {
          const float a = g.trans_a ? g.a[p * g.lda + i] : g.a[i * g.lda + p];
          const float b = g.trans_b ? g.b[j * g.ldb + p] : g.b[p * g.ldb + j];
          sum += static_cast<double>(a) * b;
        }
      }
      float* c = g.c + i * g.ldc + j;
      double x = static_cast<double>(g.alpha) * sum;
      if (g.beta != 0.0f) x += static_cast<double>(g.beta) * *c;  // beta == 0 does not read C
      if (g.epilogue.bias) x += g.epilogue.bias[j];
      if (g.epilogue.activation == Activation::relu && x < 0) x = 0;
      *c = static_cast<float>(x);
    }
  }
}

}  // namespace simdtrain

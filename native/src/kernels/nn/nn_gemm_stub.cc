// TEMPORARY naive sgemm behind the gemm branch's signature (see nn_gemm.h).
#include "nn_gemm.h"

namespace simdtrain {

void sgemm(const GemmArgs& g) {
  for (size_t i = 0; i < g.m; ++i) {
    for (size_t j = 0; j < g.n; ++j) {
      float acc = 0.0f;
      for (size_t p = 0; p < g.k; ++p) {
        const float a = g.trans_a ? g.a[p * g.lda + i] : g.a[i * g.lda + p];
        const float b = g.trans_b ? g.b[j * g.ldb + p] : g.b[p * g.ldb + j];
        acc += a * b;
      }
      float& c = g.c[i * g.ldc + j];
      float v = g.alpha * acc + (g.beta == 0.0f ? 0.0f : g.beta * c);
      if (g.epilogue.bias) v += g.epilogue.bias[j];
      if (g.epilogue.activation == Activation::relu && !(v > 0.0f)) v = 0.0f;
      c = v;
    }
  }
}

}  // namespace simdtrain

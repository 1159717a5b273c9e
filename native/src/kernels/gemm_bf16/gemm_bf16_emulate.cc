// The exact emulation of the bf16 dot-product instructions (any CPU; the sums
// vectorized across columns per ISA, bf16_emulate.isa.cc).
#include <cmath>
#include <vector>

#include "../../core/thread_pool.h"
#include "bf16_emulate_table.h"
#include "bf16.h"
#include "gemm_bf16.h"

namespace simdtrain {

// A row-major and B in [k][n] layout, rounded once; the sums come from the
// vector kernels (bf16_emulate.isa.cc: each lane one element, in order, with
// the hardware's denormal flushing after every addition); then the fp32
// epilogue per element.
void gemm_bf16_emulate(const GemmArgs& g, Bf16Order order) {
  if (g.m == 0 || g.n == 0) return;
  const bool products = g.k != 0 && g.alpha != 0.0f;  // BLAS: otherwise A and B are not read
  std::vector<float> a(products ? g.m * g.k : 0), b(products ? g.k * g.n : 0);
  for (size_t i = 0; products && i < g.m; ++i) {
    for (size_t p = 0; p < g.k; ++p) a[i * g.k + p] = bf16_round(g.trans_a ? g.a[p * g.lda + i] : g.a[i * g.lda + p]);
  }
  for (size_t p = 0; products && p < g.k; ++p) {
    for (size_t j = 0; j < g.n; ++j) b[p * g.n + j] = bf16_round(g.trans_b ? g.b[j * g.ldb + p] : g.b[p * g.ldb + j]);
  }
  const size_t first = order == Bf16Order::even_first ? 0 : 1;
  const auto& kern = SIMDTRAIN_PICK(kBf16EmulateKernels);
  parallel_for(g.m, 16, [&](size_t i0, size_t i1) {
    std::vector<float> sums((i1 - i0) * g.n, 0.0f);
    if (products) kern.sums(a.data(), b.data(), i0, i1, g.n, g.k, first, sums.data());
    for (size_t i = i0; i < i1; ++i) {
      for (size_t j = 0; j < g.n; ++j) {
        float* c = g.c + i * g.ldc + j;
        float x = sums[(i - i0) * g.n + j];
        if (g.alpha != 1.0f) x = g.alpha * x;
        if (g.beta != 0.0f) x = std::fma(g.beta, *c, x);
        if (g.epilogue.bias) x += g.epilogue.bias[j];
        if (g.epilogue.activation == Activation::relu && x < 0.0f) x = 0.0f;  // keeps NaN
        *c = x;
      }
    }
  });
}

}  // namespace simdtrain

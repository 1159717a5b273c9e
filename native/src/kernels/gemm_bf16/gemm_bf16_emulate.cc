// The exact scalar emulation of the bf16 dot-product instructions (any CPU).
#include <cfloat>
#include <cmath>
#include <vector>

#include "../../core/thread_pool.h"
#include "bf16.h"
#include "gemm_bf16.h"

namespace simdtrain {
namespace {

// VDPBF16PS and TDPBF16PS flush denormal sums to zero (and read denormal
// sums as zero, which the same flush on every stored sum covers).
inline float flush(float x) { return std::fabs(x) < FLT_MIN ? std::copysign(0.0f, x) : x; }

}  // namespace

void gemm_bf16_emulate(const GemmArgs& g, Bf16Order order) {
  if (g.m == 0 || g.n == 0) return;
  const bool products = g.k != 0 && g.alpha != 0.0f;  // BLAS: otherwise A and B are not read
  // op(A) row-major and op(B) transposed (both m/n x k), rounded once.
  std::vector<float> a(products ? g.m * g.k : 0), bt(products ? g.n * g.k : 0);
  for (size_t i = 0; products && i < g.m; ++i) {
    for (size_t p = 0; p < g.k; ++p) a[i * g.k + p] = bf16_round(g.trans_a ? g.a[p * g.lda + i] : g.a[i * g.lda + p]);
  }
  for (size_t j = 0; products && j < g.n; ++j) {
    for (size_t p = 0; p < g.k; ++p) bt[j * g.k + p] = bf16_round(g.trans_b ? g.b[j * g.ldb + p] : g.b[p * g.ldb + j]);
  }
  const size_t first = order == Bf16Order::even_first ? 0 : 1;
  parallel_for(g.m, 16, [&](size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; ++i) {
      for (size_t j = 0; j < g.n; ++j) {
        float s = 0.0f;
        if (products) {
          const float* ar = &a[i * g.k];
          const float* br = &bt[j * g.k];
          for (size_t p = 0; p < g.k; p += 2) {
            const size_t q0 = p + first, q1 = p + 1 - first;  // the pair's two products, in order
            if (q0 < g.k) s = flush(s + ar[q0] * br[q0]);
            if (q1 < g.k) s = flush(s + ar[q1] * br[q1]);
          }
        }
        float* c = g.c + i * g.ldc + j;
        float x = s;
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

// SGEMM: the threaded driver under every ISA against the double-precision
// reference, on fuzzer-chosen shapes, transposes, leading dimensions,
// alpha/beta and epilogues, with exact-size heap buffers for ASan.
#include <cmath>
#include <vector>

#include "../src/core/thread_pool.h"
#include "../src/kernels/gemm/gemm.h"
#include "../src/simd/cpu_features.h"
#include "../src/simd/dispatch.h"
#include "fuzz_input.h"

namespace {

using simdtrain::Isa;

void fuzz_gemm(fuzz::Input& in) {
  simdtrain::GemmArgs g;
  g.trans_a = in.byte() & 1;
  g.trans_b = in.byte() & 1;
  g.m = in.size(80);
  g.n = in.size(80);
  g.k = in.size(300);
  g.lda = (g.trans_a ? g.m : g.k) + in.byte() % 3;
  g.ldb = (g.trans_b ? g.k : g.n) + in.byte() % 3;
  g.ldc = g.n + in.byte() % 3;
  if (g.lda == 0) g.lda = 1;
  if (g.ldb == 0) g.ldb = 1;
  if (g.ldc == 0) g.ldc = 1;
  const uint8_t scalars = in.byte();
  g.alpha = (scalars & 3) == 0 ? 0.0f : in.value(2.0f);
  g.beta = (scalars & 12) == 0 ? 0.0f : in.value(2.0f);
  const std::vector<float> a = in.floats((g.trans_a ? g.k : g.m) * g.lda, 1.0f);
  const std::vector<float> b = in.floats((g.trans_b ? g.n : g.k) * g.ldb, 1.0f);
  const std::vector<float> c0 = in.floats(g.m * g.ldc, 1.0f);
  const std::vector<float> bias = in.floats(g.n, 1.0f);
  if (scalars & 16) g.epilogue.bias = bias.data();
  if (scalars & 32) g.epilogue.activation = simdtrain::Activation::relu;
  g.a = a.empty() ? nullptr : a.data();
  g.b = b.empty() ? nullptr : b.data();
  if (simdtrain::gemm_check(g) != nullptr) return;

  std::vector<float> ref = c0;
  simdtrain::GemmArgs r = g;
  r.c = ref.data();
  simdtrain::gemm_reference(r);

  const Isa best = simdtrain::active_isa();
  for (int i = 0; i < simdtrain::kIsaCount; ++i) {
    const Isa isa = static_cast<Isa>(i);
    if (!simdtrain::set_active_isa(isa)) continue;
    for (int threads : {1, 2}) {
      simdtrain::set_num_threads(threads);
      std::vector<float> c = c0;
      simdtrain::GemmArgs t = g;
      t.c = c.empty() ? nullptr : c.data();
      simdtrain::sgemm(t);
      for (size_t row = 0; row < g.m; ++row) {
        for (size_t col = 0; col < g.ldc; ++col) {
          const size_t idx = row * g.ldc + col;
          // Outside the N used columns nothing may change.
          const double tol = col < g.n ? 2e-6 * std::sqrt(static_cast<double>(g.k) + 1) *
                                             (std::fabs(g.alpha) * g.k + std::fabs(g.beta) + 1.5)
                                       : 0.0;
          if (!(std::fabs(static_cast<double>(c[idx]) - ref[idx]) <= tol)) {
            fuzz::mismatch("sgemm", simdtrain::isa_name(isa), g.m * 10000 + g.n, c[idx], ref[idx]);
          }
        }
      }
    }
  }
  simdtrain::set_active_isa(best);
}

fuzz::TargetRegistrar registrar("gemm", fuzz_gemm);

}  // namespace

// Declarations shared by the GEMM's per-ISA files (gemm_pack.isa.cc and
// gemm_kernels.isa.cc). Include from a *.isa.cc after simd/target.h only:
// everything here lives in that ISA's namespace.
#pragma once

#include "gemm_blocking.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {

// Packs `rows` x `kc` into one panel of width `width` (>= rows), zero-padding
// rows [rows, width): dst[k*width + r] = src[r*rs + k*cs].
void gemm_pack_panel(const float* src, size_t rs, size_t cs, size_t rows, size_t kc, size_t width, float* dst);
void gemm_pack_a(bool trans, const float* a, size_t lda, size_t mc, size_t kc, float* dst);
void gemm_pack_b(bool trans, const float* b, size_t ldb, size_t kc, size_t nc, float* dst);
void gemm_scale_c(size_t m, size_t n, float* c, size_t ldc, float beta, const float* bias, bool relu);

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

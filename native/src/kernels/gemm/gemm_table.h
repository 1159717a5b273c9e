// The per-ISA half of the GEMM: packing, the macro-kernel (register-blocked
// micro-kernel swept over one packed block) and C scaling, one table per ISA.
// The ISA-independent driver (gemm_driver.cc) owns the cache-blocking loops,
// the packing buffers and the threads.
#pragma once

#include <cstddef>

#include "../../simd/dispatch.h"

namespace simdtrain {

// Block sizes of one ISA (see gemm_blocking.h for what each one is for).
struct GemmBlocking {
  size_t mr;  // rows of the register tile
  size_t nv;  // vectors per row of the register tile
  size_t nr;  // columns of the register tile (nv * lanes)
  size_t kc;  // depth of a packed block
  size_t mc;  // rows of a packed A block
  size_t nc;  // columns of a packed B block
  size_t tc_mr;  // rows of a transposed-C tile (see GemmBlock::trans_c)
  // Masked partial loads are cheap (AVX2/AVX-512 masks, scalar): the kernel
  // reads a partial edge of in-place B with them instead of packing it.
  bool cheap_partial_loads;
};

// One macro-kernel call: C[0:mc, 0:nc] (+)= alpha * Ablock * Bpacked.
struct GemmBlock {
  size_t mc, nc, kc;
  // A block: packed (panels of mr rows, element (i,k) of panel p at
  // a[p*mr*kc + k*mr + i%mr], rows past mc zero) when a_packed, else read in
  // place at a[i*a_rs + k*a_cs].
  const float* a;
  size_t a_rs, a_cs;
  bool a_packed;
  // B block: packed (panels of nr columns, element (k,j) of panel q at
  // b[q*nr*kc + k*nr + j%nr], columns past nc zero) when b_packed, else read
  // in place at b[k*b_rs + j] (small products with op(B) = B).
  const float* b;
  size_t b_rs;
  bool b_packed;
  float* c;
  size_t ldc;
  float alpha;
  float beta;         // 0: C is written without being read
  const float* bias;  // nc floats added to every row, or null
  bool relu;
  // The block is of Cᵀ: its element (i, j) is stored at c[j*ldc + i] and the
  // bias is per row. Only with A in place with unit-strided rows (a_rs = 1)
  // and cheap_partial_loads (see the driver); B in place or packed.
  bool trans_c;
  float* scratch;     // mr * kc floats (64-byte aligned): packs a partial panel of in-place A
  float* scratch_b;   // nr * kc floats: packs the partial edge panel of in-place B (ISAs without cheap masks)
};

struct GemmKernels {
  GemmBlocking blocking;
  // Packs rows [0, mc) x depth [0, kc) of op(A) into panels of mr rows.
  // `a` points at element (0, 0) of the block: op(A)(i,k) is a[i*lda + k]
  // (trans = false) or a[k*lda + i] (trans = true).
  void (*pack_a)(bool trans, const float* a, size_t lda, size_t mc, size_t kc, float* dst);
  // Packs depth [0, kc) x columns [0, nc) of op(B) into panels of nr columns:
  // op(B)(k,j) is b[k*ldb + j] (trans = false) or b[j*ldb + k] (trans = true).
  void (*pack_b)(bool trans, const float* b, size_t ldb, size_t kc, size_t nc, float* dst);
  void (*macro_kernel)(const GemmBlock& block);
  // C = act(beta * C + bias) on an m x n block, for alpha == 0 or k == 0
  // (beta == 0 writes without reading).
  void (*scale_c)(size_t m, size_t n, float* c, size_t ldc, float beta, const float* bias, bool relu);
};

SIMDTRAIN_DECLARE_TABLES(GemmKernels, kGemmKernels)

}  // namespace simdtrain

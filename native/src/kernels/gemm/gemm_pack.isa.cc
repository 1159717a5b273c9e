// Packing for the GEMM, written once over the SIMD abstraction. Packing
// copies a block of op(A) or op(B) into contiguous, zero-padded panels in the
// order the micro-kernel reads them, which is where the four transpose
// combinations are absorbed: the micro-kernel only ever sees one layout.
#include "../../simd/target.h"
#include "gemm_isa.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

// Source rows of the panel are contiguous (element (k, r) at src[k*ld + r]):
// plain vector copies, tail masked, padding zeroed.
template <size_t W>
void pack_contiguous(const float* src, size_t ld, size_t rows, size_t kc, float* dst) {
  for (size_t k = 0; k < kc; ++k, src += ld, dst += W) {
    if (rows == W) {
      for_each_chunk(W, [&](size_t i, auto chunk) { chunk.store(dst + i, chunk.load(src + i)); });
    } else {
      for (size_t r = 0; r < W; ++r) dst[r] = r < rows ? src[r] : 0.0f;
    }
  }
}

// Source is transposed (element (k, r) at src[r*ld + k]). Reading one float
// from each of W rows per k would touch W cache lines at once, and with ld a
// multiple of 4 KiB they all fall in one L1 set and thrash; so whole vectors
// of each row are read: transposed as squares in registers when W is a
// multiple of the vector width, else (and for the last, short depth block)
// copied 16 k's at a time into a small buffer and transposed from L1.
template <size_t W>
void pack_strided(const float* src, size_t ld, size_t rows, size_t kc, float* dst) {
  if (rows != W) {
    gemm_pack_panel(src, ld, 1, rows, kc, W, dst);
    return;
  }
  size_t k0 = 0;
  if constexpr (W % kLanes == 0) {
    // Whole kLanes x kLanes squares transposed in registers: each source row
    // is read a vector (a cache line on AVX-512) at a time.
    for (; k0 + kLanes <= kc; k0 += kLanes, dst += kLanes * W) {
      for (size_t r = 0; r < W; r += kLanes) transpose_square(src + r * ld + k0, ld, dst + r, W);
    }
  }
  constexpr size_t kBlock = 16;
  alignas(64) float tmp[W][kBlock];
  for (size_t k = k0; k < kc; k += kBlock, dst += kBlock * W) {
    const size_t depth = kc - k < kBlock ? kc - k : kBlock;  // the last block may be short (masked loads)
    for (size_t r = 0; r < W; ++r) {
      const float* row = src + r * ld + k;
      for_each_chunk(depth, [&](size_t i, auto chunk) { chunk.store(&tmp[r][i], chunk.load(row + i)); });
    }
    for (size_t kk = 0; kk < depth; ++kk) {
#pragma GCC unroll 32
      for (size_t r = 0; r < W; ++r) dst[kk * W + r] = tmp[r][kk];
    }
  }
}

}  // namespace

void gemm_pack_panel(const float* src, size_t rs, size_t cs, size_t rows, size_t kc, size_t width, float* dst) {
  for (size_t k = 0; k < kc; ++k, dst += width) {
    for (size_t r = 0; r < width; ++r) dst[r] = r < rows ? src[r * rs + k * cs] : 0.0f;
  }
}

void gemm_pack_a(bool trans, const float* a, size_t lda, size_t mc, size_t kc, float* dst) {
  constexpr size_t MR = kGemmBlocking.mr;
  for (size_t i = 0; i < mc; i += MR, dst += MR * kc) {
    const size_t rows = mc - i < MR ? mc - i : MR;
    if (trans) {
      pack_contiguous<MR>(a + i, lda, rows, kc, dst);
    } else {
      pack_strided<MR>(a + i * lda, lda, rows, kc, dst);
    }
  }
}

void gemm_pack_b(bool trans, const float* b, size_t ldb, size_t kc, size_t nc, float* dst) {
  constexpr size_t NR = kGemmBlocking.nr;
  for (size_t j = 0; j < nc; j += NR, dst += NR * kc) {
    const size_t cols = nc - j < NR ? nc - j : NR;
    if (trans) {
      pack_strided<NR>(b + j * ldb, ldb, cols, kc, dst);
    } else {
      pack_contiguous<NR>(b + j, ldb, cols, kc, dst);
    }
  }
}

void gemm_scale_c(size_t m, size_t n, float* c, size_t ldc, float beta, const float* bias, bool relu) {
  const Vec vbeta = set1(beta);
  for (size_t i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    for_each_chunk(n, [&](size_t j, auto chunk) {
      Vec x = beta == 0.0f ? zero() : mul(vbeta, chunk.load(row + j));
      if (bias) x = add(x, chunk.load(bias + j));
      if (relu) x = select(cmp_lt(x, zero()), zero(), x);  // keeps NaN
      chunk.store(row + j, x);
    });
  }
}

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

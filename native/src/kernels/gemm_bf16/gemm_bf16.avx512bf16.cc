// The AVX512-BF16 path: VDPBF16PS micro-kernel (kMr x 32 tile of fp32 sums,
// one k pair per step, odd product added first by the instruction), packing
// with VCVTNEPS2BF16 (round to nearest even, NaN kept, denormals to zero:
// the same as bf16_from_float), and the tile store shared with AMX.
// Compiled only on x86-64 with -mavx512bf16 (library simdtrain_isa_avx512bf16);
// every symbol lives in simdtrain::avx512bf16 (checked by check-isa-symbols.js).
#include <immintrin.h>

#include "gemm_bf16_kernels.h"

namespace simdtrain {
namespace avx512bf16 {
namespace {

constexpr size_t kMr = 8, kNr = 32;

inline __mmask16 mask_of(size_t n) { return n >= 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1u); }

// 16 floats (masked) -> 16 bf16.
inline __m256i to_bf16(__m512 x) { return (__m256i)_mm512_cvtneps_pbh(x); }

// Rows 2p, 2p+1 (16 floats each) -> 16 dwords (lo = even k, hi = odd k).
inline __m512i pair_dwords(__m512 even, __m512 odd) {
  return _mm512_or_si512(_mm512_cvtepu16_epi32(to_bf16(even)), _mm512_slli_epi32(_mm512_cvtepu16_epi32(to_bf16(odd)), 16));
}

// Writes `cols` consecutive k values of one row (src[k*stride], contiguous
// when stride = 1) as pairs: dword p goes to dst[p * dst_stride] (in dwords).
void row_to_pairs(const float* src, size_t kc, size_t kc_pad, uint32_t* dst, size_t dst_stride) {
  alignas(64) uint32_t pairs[16];
  for (size_t k = 0; k < kc_pad; k += 32) {
    const size_t left = k < kc ? kc - k : 0;
    const __m512 lo = _mm512_maskz_loadu_ps(mask_of(left), src + k);
    const __m512 hi = _mm512_maskz_loadu_ps(mask_of(left > 16 ? left - 16 : 0), src + k + 16);
    _mm512_store_si512(pairs, (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
    const size_t n = (kc_pad - k) / 2 < 16 ? (kc_pad - k) / 2 : 16;
    for (size_t p = 0; p < n; ++p) dst[(k / 2 + p) * dst_stride] = pairs[p];
  }
}

// Pair rows of width `width` dwords from a k-major source (src[k*ld + j],
// j < cols): dst[p*width + j] = (src[2p][j], src[2p+1][j]), zero past cols/kc.
void kmajor_to_pairs(const float* src, size_t ld, size_t kc, size_t kc_pad, size_t cols, size_t width, uint32_t* dst) {
  for (size_t p = 0; p < kc_pad / 2; ++p) {
    const size_t k0 = 2 * p, k1 = 2 * p + 1;
    for (size_t j = 0; j < width; j += 16) {
      const __mmask16 m = mask_of(j < cols ? cols - j : 0);
      const __m512 even = k0 < kc ? _mm512_maskz_loadu_ps(m, src + k0 * ld + j) : _mm512_setzero_ps();
      const __m512 odd = k1 < kc ? _mm512_maskz_loadu_ps(m, src + k1 * ld + j) : _mm512_setzero_ps();
      const __m512i d = pair_dwords(even, odd);
      if (width - j >= 16) _mm512_storeu_si512(dst + p * width + j, d);
      else _mm512_mask_storeu_epi32(dst + p * width + j, mask_of(width - j), d);
    }
  }
}

// A: panels of kMr rows, pair p of row r at dword p*kMr + r.
void pack_a(bool trans, const float* a, size_t lda, size_t mc, size_t kc, size_t kc_pad, uint16_t* dst) {
  for (size_t i = 0; i < mc; i += kMr) {
    const size_t rows = mc - i < kMr ? mc - i : kMr;
    uint32_t* panel = reinterpret_cast<uint32_t*>(dst + i * kc_pad);
    if (trans) {
      kmajor_to_pairs(a + i, lda, kc, kc_pad, rows, kMr, panel);
    } else {
      for (size_t r = 0; r < kMr; ++r) {
        if (r < rows) {
          row_to_pairs(a + (i + r) * lda, kc, kc_pad, panel + r, kMr);
        } else {
          for (size_t p = 0; p < kc_pad / 2; ++p) panel[p * kMr + r] = 0;
        }
      }
    }
  }
}

template <size_t kRows>
inline void micro(const uint16_t* a, const uint16_t* b, size_t kc_pad, const Bf16Block& blk, size_t i, size_t j,
                  size_t rows, size_t cols) {
  __m512 acc[kRows][2];
  const float* in = blk.acc_in;
  for (size_t r = 0; r < kRows; ++r) {
    for (size_t v = 0; v < 2; ++v) {
      const size_t left = v * 16 < cols ? cols - v * 16 : 0;
      acc[r][v] = in && r < rows ? _mm512_maskz_loadu_ps(mask_of(left), in + (i + r) * blk.acc_ld + j + v * 16)
                                 : _mm512_setzero_ps();
    }
  }
  const uint32_t* ap = reinterpret_cast<const uint32_t*>(a);
  for (size_t p = 0; p < kc_pad / 2; ++p) {
    const __m512bh b0 = (__m512bh)_mm512_loadu_si512(b + p * 2 * kNr);
    const __m512bh b1 = (__m512bh)_mm512_loadu_si512(b + p * 2 * kNr + 32);
    for (size_t r = 0; r < kRows; ++r) {
      const __m512bh av = (__m512bh)_mm512_set1_epi32(static_cast<int>(ap[p * kMr + r]));
      acc[r][0] = _mm512_dpbf16_ps(acc[r][0], av, b0);
      acc[r][1] = _mm512_dpbf16_ps(acc[r][1], av, b1);
    }
  }
  alignas(64) float tile[kMr * 32];
  for (size_t r = 0; r < kRows; ++r) {
    _mm512_store_ps(tile + r * 32, acc[r][0]);
    _mm512_store_ps(tile + r * 32 + 16, acc[r][1]);
  }
  store_tile(tile, rows, cols, blk, i, j);
}

void macro_kernel(const Bf16Block& blk) {
  for (size_t j = 0; j < blk.nc; j += kNr) {
    const uint16_t* b = blk.b + j * blk.kc_pad;
    const size_t cols = blk.nc - j < kNr ? blk.nc - j : kNr;
    for (size_t i = 0; i < blk.mc; i += kMr) {
      const uint16_t* a = blk.a + i * blk.kc_pad;
      const size_t rows = blk.mc - i < kMr ? blk.mc - i : kMr;
      if (rows == kMr) micro<kMr>(a, b, blk.kc_pad, blk, i, j, rows, cols);
      else if (rows > 4) micro<kMr>(a, b, blk.kc_pad, blk, i, j, rows, cols);
      else if (rows > 2) micro<4>(a, b, blk.kc_pad, blk, i, j, rows, cols);
      else micro<2>(a, b, blk.kc_pad, blk, i, j, rows, cols);
    }
  }
}

}  // namespace

void pack_b(bool trans, const float* b, size_t ldb, size_t kc, size_t nc, size_t kc_pad, uint16_t* dst) {
  for (size_t j = 0; j < nc; j += kNr) {
    const size_t cols = nc - j < kNr ? nc - j : kNr;
    uint32_t* panel = reinterpret_cast<uint32_t*>(dst + j * kc_pad);
    if (trans) {
      for (size_t c = 0; c < kNr; ++c) {
        if (c < cols) {
          row_to_pairs(b + (j + c) * ldb, kc, kc_pad, panel + c, kNr);
        } else {
          for (size_t p = 0; p < kc_pad / 2; ++p) panel[p * kNr + c] = 0;
        }
      }
    } else {
      kmajor_to_pairs(b + j, ldb, kc, kc_pad, cols, kNr, panel);
    }
  }
}

void store_tile(const float* tile, size_t rows, size_t cols, const Bf16Block& blk, size_t i, size_t j) {
  const __m512 zero = _mm512_setzero_ps();
  for (size_t r = 0; r < rows; ++r) {
    for (size_t v = 0; v < cols; v += 16) {
      const __mmask16 m = mask_of(cols - v);
      __m512 x = _mm512_load_ps(tile + r * 32 + v);
      if (!blk.finish) {
        _mm512_mask_storeu_ps(blk.acc_out + (i + r) * blk.acc_ld + j + v, m, x);
        continue;
      }
      float* c = blk.c + (i + r) * blk.ldc + j + v;
      if (blk.alpha != 1.0f) x = _mm512_mul_ps(x, _mm512_set1_ps(blk.alpha));
      if (blk.beta != 0.0f) x = _mm512_fmadd_ps(_mm512_set1_ps(blk.beta), _mm512_maskz_loadu_ps(m, c), x);
      if (blk.bias) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(m, blk.bias + j + v));
      if (blk.relu) x = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, zero, _CMP_LT_OQ), x, zero);  // keeps NaN
      _mm512_mask_storeu_ps(c, m, x);
    }
  }
}

extern const Bf16Kernels kBf16Kernels = {kMr, kNr, 2, 192, 2048, 512, pack_a, pack_b, macro_kernel};

}  // namespace avx512bf16
}  // namespace simdtrain

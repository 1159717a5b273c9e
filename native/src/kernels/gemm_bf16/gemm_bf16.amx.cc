// The AMX path: a 32 x 32 block of C in four 16 x 16 fp32 tiles (tmm0-3),
// two A tiles (tmm4-5, 16 rows x 32 k) and two B tiles (tmm6-7, 16 k pairs x
// 16 columns, the pair-interleaved panels packed by avx512bf16::pack_b),
// TDPBF16PS adding the even product of each pair first. The tile
// configuration is loaded per macro-kernel call (it is per-thread state) and
// released after; the driver only comes here once Linux granted the tile-data
// permission (gemm_bf16_detect.cc). x86-64 only, compiled with -mamx-tile
// -mamx-bf16 (library simdtrain_isa_amx); every symbol in simdtrain::amx.
#include <immintrin.h>

#include "gemm_bf16_kernels.h"

namespace simdtrain {
namespace amx {
namespace {

constexpr size_t kMr = 32, kNr = 32, kKb = 32;  // k per tile step

inline __mmask16 mask_of(size_t n) { return n >= 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1u); }

// src[0, count) (count <= 32, zero past it) as 32 bf16.
inline __m512i load_bf16x32(const float* src, size_t count) {
  const __m512 lo = _mm512_maskz_loadu_ps(mask_of(count), src);
  const __m512 hi = _mm512_maskz_loadu_ps(mask_of(count > 16 ? count - 16 : 0), src + 16);
  return (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
}

struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0, reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};

// A: panels of kMr rows; element (i, k) at panel[(k/32)*kMr*32 + (i%kMr)*32 + k%32],
// so each A tile (16 rows x 32 k) is 1 KiB contiguous.
void pack_a(bool trans, const float* a, size_t lda, size_t mc, size_t kc, size_t kc_pad, uint16_t* dst) {
  for (size_t i = 0; i < mc; i += kMr) {
    const size_t rows = mc - i < kMr ? mc - i : kMr;
    uint16_t* panel = dst + i * kc_pad;
    for (size_t kb = 0; kb < kc_pad; kb += kKb) {
      uint16_t* blk = panel + kb * kMr;
      const size_t left = kb < kc ? kc - kb : 0;  // k values in this block
      if (!trans) {
        for (size_t r = 0; r < kMr; ++r) {
          const __m512i v = r < rows ? load_bf16x32(a + (i + r) * lda + kb, left) : _mm512_setzero_si512();
          _mm512_store_si512(blk + r * kKb, v);
        }
      } else {
        alignas(64) uint16_t t[kMr];
        for (size_t k = 0; k < kKb; ++k) {
          _mm512_store_si512(t, k < left ? load_bf16x32(a + (kb + k) * lda + i, rows) : _mm512_setzero_si512());
          for (size_t r = 0; r < kMr; ++r) blk[r * kKb + k] = t[r];
        }
      }
    }
  }
}

void macro_kernel(const Bf16Block& blk) {
  TileConfig cfg;
  for (int t = 0; t < 8; ++t) {
    cfg.rows[t] = 16;
    cfg.colsb[t] = 64;
  }
  _tile_loadconfig(&cfg);
  alignas(64) float tile[kMr * kNr];
  const size_t kc_pad = blk.kc_pad;
  for (size_t j = 0; j < blk.nc; j += kNr) {
    const uint16_t* b = blk.b + j * kc_pad;
    const size_t cols = blk.nc - j < kNr ? blk.nc - j : kNr;
    for (size_t i = 0; i < blk.mc; i += kMr) {
      const uint16_t* a = blk.a + i * kc_pad;
      const size_t rows = blk.mc - i < kMr ? blk.mc - i : kMr;
      if (blk.acc_in) {
        for (size_t r = 0; r < kMr; ++r) {
          for (size_t v = 0; v < kNr; v += 16) {
            const __mmask16 m = r < rows ? mask_of(v < cols ? cols - v : 0) : 0;
            _mm512_store_ps(tile + r * kNr + v, _mm512_maskz_loadu_ps(m, blk.acc_in + (i + r) * blk.acc_ld + j + v));
          }
        }
        _tile_loadd(0, tile, kNr * 4);
        _tile_loadd(1, tile + 16, kNr * 4);
        _tile_loadd(2, tile + 16 * kNr, kNr * 4);
        _tile_loadd(3, tile + 16 * kNr + 16, kNr * 4);
      } else {
        _tile_zero(0);
        _tile_zero(1);
        _tile_zero(2);
        _tile_zero(3);
      }
      for (size_t kb = 0; kb < kc_pad; kb += kKb) {
        const uint16_t* at = a + kb * kMr;
        const uint16_t* bt = b + kb * kNr;  // 16 pair rows of 2*kNr bf16
        _tile_loadd(4, at, kKb * 2);
        _tile_loadd(5, at + 16 * kKb, kKb * 2);
        _tile_loadd(6, bt, kNr * 4);
        _tile_loadd(7, bt + 32, kNr * 4);
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
      }
      _tile_stored(0, tile, kNr * 4);
      _tile_stored(1, tile + 16, kNr * 4);
      _tile_stored(2, tile + 16 * kNr, kNr * 4);
      _tile_stored(3, tile + 16 * kNr + 16, kNr * 4);
      avx512bf16::store_tile(tile, rows, cols, blk, i, j);
    }
  }
  _tile_release();
}

}  // namespace

extern const Bf16Kernels kBf16Kernels = {kMr, kNr, kKb, 256, 2048, 512, pack_a, avx512bf16::pack_b, macro_kernel};

}  // namespace amx
}  // namespace simdtrain

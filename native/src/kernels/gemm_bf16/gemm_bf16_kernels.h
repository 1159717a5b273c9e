// The per-path half of the bf16 GEMM (x86-64 only): packing fp32 into bf16
// layouts and the macro-kernels. The path-independent driver
// (gemm_bf16_driver.cc) owns the blocking, the buffers and the threads.
// Declarations only: this header is included by files compiled with AMX or
// AVX512-BF16 flags, which must define nothing outside their namespace.
#pragma once

#include <cstddef>
#include <cstdint>

namespace simdtrain {

// One macro-kernel call on an mc x nc block of C.
//
// B: panels of nr columns, each kc_pad deep, pairs of k interleaved (the
// layout VDPBF16PS and TDPBF16PS read): element (k, j) of panel q at
// b[q*nr*kc_pad + (k/2)*2*nr + 2*(j%nr) + k%2]; padding (k >= kc, j >= nc)
// is zero. A: the path's own panel layout (see its pack_a), padding zero.
struct Bf16Block {
  size_t mc, nc, kc_pad;
  const uint16_t* a;
  const uint16_t* b;
  // Raw fp32 sums of earlier K blocks to continue from (ld nc_ld), or null.
  const float* acc_in;
  float* acc_out;   // where raw sums go when !finish (ld nc_ld)
  size_t acc_ld;
  bool finish;      // the last K block: apply the epilogue and store into c
  float* c;
  size_t ldc;
  float alpha, beta;
  const float* bias;  // nc floats, or null
  bool relu;
};

struct Bf16Kernels {
  size_t mr, nr;   // micro-tile
  size_t k_unit;   // kc_pad is a multiple of this
  size_t mc, nc, kc;  // cache blocks (kc a multiple of k_unit)
  // Packs rows [0, mc) x depth [0, kc) of op(A) (a[i*lda + k], or a[k*lda + i]
  // when trans) into panels of mr rows, depth padded with zeros to kc_pad.
  void (*pack_a)(bool trans, const float* a, size_t lda, size_t mc, size_t kc, size_t kc_pad, uint16_t* dst);
  // Packs depth [0, kc) x columns [0, nc) of op(B) (b[k*ldb + j], or
  // b[j*ldb + k] when trans) into the pair-interleaved panels above.
  void (*pack_b)(bool trans, const float* b, size_t ldb, size_t kc, size_t nc, size_t kc_pad, uint16_t* dst);
  void (*macro_kernel)(const Bf16Block& block);
};

namespace avx512bf16 {
extern const Bf16Kernels kBf16Kernels;
// Shared with the AMX path (whose CPUs all have AVX512-BF16).
void pack_b(bool trans, const float* b, size_t ldb, size_t kc, size_t nc, size_t kc_pad, uint16_t* dst);
// Stores a rows x cols tile of raw sums (ld 32): the epilogue into C, or the
// raw sums into acc_out; i, j are the tile's place in the block.
void store_tile(const float* tile, size_t rows, size_t cols, const Bf16Block& blk, size_t i, size_t j);
}  // namespace avx512bf16

namespace amx {
extern const Bf16Kernels kBf16Kernels;
}  // namespace amx

}  // namespace simdtrain

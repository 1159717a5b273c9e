// The GEMM micro-kernel and macro-kernel, written ONCE over the SIMD
// abstraction and compiled per ISA; only kGemmBlocking (gemm_blocking.h)
// differs between ISAs.
//
// The micro-kernel computes an MR x (NV*kLanes) tile of C as a sum of kc
// rank-1 updates: per k it loads NV vectors of a packed B row, broadcasts MR
// values of A, and does MR*NV independent FMAs into accumulators that stay in
// registers for the whole k loop (MR*NV chains hide the FMA latency). C is
// touched once per tile, where alpha, beta, bias and ReLU are applied.
#include "../../simd/target.h"
#include "gemm_isa.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

constexpr size_t MR = kGemmBlocking.mr;
constexpr size_t NV = kGemmBlocking.nv;
constexpr size_t NR = kGemmBlocking.nr;

struct TileStore {
  float alpha, beta;
  const float* bias;  // at the tile's first column, or null
  bool relu;
};

template <class Chunk>
inline void store_vec(Chunk chunk, float* c, const float* bias, Vec x, const TileStore& st) {
  x = mul(x, set1(st.alpha));
  if (st.beta != 0.0f) x = fmadd(set1(st.beta), chunk.load(c), x);
  if (st.bias) x = add(x, chunk.load(bias));
  if (st.relu) x = select(cmp_lt(x, zero()), zero(), x);  // keeps NaN
  chunk.store(c, x);
}

// A kMR x (kNV*kLanes) tile. kPackedA: A is a packed panel (element (r,k) at
// a[k*MR + r]); otherwise it is read in place at a[r*a_rs + k*a_cs] (the
// small-matrix path). kFull: the whole tile is stored, else only rows < mr
// and columns < nr. Edge tiles use smaller kMR / kNV instantiations of the
// same code so a thin edge does not pay for a full tile of FMAs.
template <size_t kMR, size_t kNV, bool kPackedA, bool kFull>
void micro_kernel(size_t kc, const float* a, size_t a_rs, size_t a_cs, const float* b, float* c, size_t ldc,
                  const TileStore& st, size_t mr, size_t nr) {
  const size_t rs = kPackedA ? 1 : a_rs;
  const size_t cs = kPackedA ? MR : a_cs;
  if (kFull) {
#pragma GCC unroll 32
    for (size_t r = 0; r < kMR; ++r) __builtin_prefetch(c + r * ldc, 1);  // C is needed after the k loop
  }
  Vec acc[kMR][kNV];
#pragma GCC unroll 32
  for (size_t r = 0; r < kMR; ++r) {
#pragma GCC unroll 8
    for (size_t v = 0; v < kNV; ++v) acc[r][v] = zero();
  }
  for (size_t k = 0; k < kc; ++k, a += cs, b += NR) {
    Vec bv[kNV];
#pragma GCC unroll 8
    for (size_t v = 0; v < kNV; ++v) bv[v] = loadu(b + v * kLanes);
#pragma GCC unroll 32
    for (size_t r = 0; r < kMR; ++r) {
      const Vec ar = set1(a[r * rs]);
#pragma GCC unroll 8
      for (size_t v = 0; v < kNV; ++v) acc[r][v] = fmadd(ar, bv[v], acc[r][v]);
    }
  }
#pragma GCC unroll 32
  for (size_t r = 0; r < kMR; ++r) {
    if (!kFull && r >= mr) break;
    float* crow = c + r * ldc;
#pragma GCC unroll 8
    for (size_t v = 0; v < kNV; ++v) {
      const size_t j = v * kLanes;
      const float* bias = st.bias ? st.bias + j : nullptr;
      if (kFull || j + kLanes <= nr) {
        store_vec(FullChunk{}, crow + j, bias, acc[r][v], st);
      } else if (j < nr) {
        store_vec(TailChunk{nr - j}, crow + j, bias, acc[r][v], st);
      }
    }
  }
}

// Picks the smallest instantiation that covers an mr x nr tile.
template <bool kPackedA>
void tile(size_t kc, const float* a, size_t a_rs, size_t a_cs, const float* b, float* c, size_t ldc,
          const TileStore& st, size_t mr, size_t nr) {
  constexpr size_t kHalfMR = (MR + 1) / 2;
  const bool narrow = NV > 1 && nr <= kLanes;
  const bool short_rows = kHalfMR < MR && mr <= kHalfMR;
  if (mr == MR && nr == NR) {
    micro_kernel<MR, NV, kPackedA, true>(kc, a, a_rs, a_cs, b, c, ldc, st, mr, nr);
  } else if (narrow && short_rows) {
    micro_kernel<kHalfMR, 1, kPackedA, false>(kc, a, a_rs, a_cs, b, c, ldc, st, mr, nr);
  } else if (narrow) {
    micro_kernel<MR, 1, kPackedA, false>(kc, a, a_rs, a_cs, b, c, ldc, st, mr, nr);
  } else if (short_rows) {
    micro_kernel<kHalfMR, NV, kPackedA, false>(kc, a, a_rs, a_cs, b, c, ldc, st, mr, nr);
  } else {
    micro_kernel<MR, NV, kPackedA, false>(kc, a, a_rs, a_cs, b, c, ldc, st, mr, nr);
  }
}

void macro_kernel(const GemmBlock& blk) {
  const size_t kc = blk.kc;
  for (size_t i = 0; i < blk.mc; i += MR) {
    const size_t mr = blk.mc - i < MR ? blk.mc - i : MR;
    const float* a;
    bool packed = true;
    if (blk.a_packed) {
      a = blk.a + i * kc;  // panel i / MR
    } else if (mr == MR) {
      a = blk.a + i * blk.a_rs;
      packed = false;
    } else {
      // In-place A: pack the partial last panel so the kernel never reads
      // rows past mc.
      gemm_pack_panel(blk.a + i * blk.a_rs, blk.a_rs, blk.a_cs, mr, kc, MR, blk.scratch);
      a = blk.scratch;
    }
    for (size_t j = 0; j < blk.nc; j += NR) {
      const size_t nr = blk.nc - j < NR ? blk.nc - j : NR;
      const float* b = blk.b + j * kc;  // panel j / NR
      float* c = blk.c + i * blk.ldc + j;
      const TileStore st = {blk.alpha, blk.beta, blk.bias ? blk.bias + j : nullptr, blk.relu};
      if (packed) {
        tile<true>(kc, a, 0, 0, b, c, blk.ldc, st, mr, nr);
      } else {
        tile<false>(kc, a, blk.a_rs, blk.a_cs, b, c, blk.ldc, st, mr, nr);
      }
    }
  }
}

}  // namespace

extern const GemmKernels kGemmKernels = {kGemmBlocking, gemm_pack_a, gemm_pack_b, macro_kernel, gemm_scale_c};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

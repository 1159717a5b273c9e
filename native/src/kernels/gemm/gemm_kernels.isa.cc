// The GEMM micro-kernel and macro-kernel, written ONCE over the SIMD
// abstraction and compiled per ISA; only kGemmBlocking (gemm_blocking.h)
// differs between ISAs.
//
// The micro-kernel computes an MR x (NV*kLanes) tile of C as a sum of kc
// rank-1 updates: per k it loads NV vectors of a packed B row, broadcasts MR
// values of A, and does MR*NV independent FMAs into accumulators that stay in
// registers for the whole k loop (MR*NV chains hide the FMA latency). C is
// touched once per tile, where alpha, beta, bias and ReLU are applied.
#include <array>
#include <utility>

#include "../../simd/target.h"
#include "gemm_isa.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

constexpr size_t MR = kGemmBlocking.mr;
constexpr size_t NV = kGemmBlocking.nv;
constexpr size_t NR = kGemmBlocking.nr;
constexpr size_t TC_MR = kGemmBlocking.tc_mr;

struct TileStore {
  float alpha, beta;
  const float* bias;  // at the tile's first column, or null
  bool relu;
};

// act(alpha*x + beta*C + bias), the one epilogue of every store path: C and
// the bias are fetched only when beta != 0 / a bias is given. Forced inline:
// left to GCC, the transposed-C kernels lost 60 % of their speed.
template <class LoadC, class LoadBias>
__attribute__((always_inline)) inline Vec epilogue(Vec x, const TileStore& st, LoadC load_c, LoadBias load_bias) {
  if (st.alpha != 1.0f) x = mul(x, set1(st.alpha));  // skipped for alpha = 1 (same bits)
  if (st.beta != 0.0f) x = fmadd(set1(st.beta), load_c(), x);
  if (st.bias) x = add(x, load_bias());
  if (st.relu) x = select(cmp_lt(x, zero()), zero(), x);  // keeps NaN
  return x;
}

template <class Chunk>
inline void store_vec(Chunk chunk, float* c, const float* bias, Vec x, const TileStore& st) {
  chunk.store(c, epilogue(x, st, [&] { return chunk.load(c); }, [&] { return chunk.load(bias); }));
}

// Where a tile reads its operands and which part of it is stored.
struct TileArgs {
  size_t kc;
  // Element (r,k) of A at a[r*a_rs + k*a_cs]: a packed panel has a_rs = 1,
  // a_cs = MR; in-place A has a_rs = lda, a_cs = 1, or (op(A) = Aᵀ) a_rs = 1,
  // a_cs = lda.
  const float* a;
  size_t a_rs, a_cs;
  const float* b;  // packed panel (element (k,j) at b[k*NR + j]) or in place (b[k*b_rs + j])
  size_t b_rs;
  float* c;
  size_t ldc;
  size_t r0, mr, nr;  // rows [r0, mr) and columns [0, nr) of the tile are stored
};

// A kMR x (kNV*kLanes) tile. kUnitRowsA: a_rs == 1 (packed panels and
// in-place Aᵀ: the kMR values of one k are adjacent, addressed by constant
// offsets), else a_cs == 1 (in-place A). kPackedB: B is a packed panel, else
// it is read in place (the small-matrix path; a partial edge of in-place B is
// read with masked loads, never past column nr). kFull: the
// whole tile is stored, else only rows [r0, mr) and columns < nr. Edge tiles
// use smaller kMR / kNV instantiations of the same code so a thin edge does
// not pay for a full tile of FMAs.
template <size_t kMR, size_t kNV, bool kUnitRowsA, bool kPackedB, bool kFull>
__attribute__((always_inline)) inline void accumulate(const TileArgs& t, Vec (&acc)[kMR][kNV]) {
  const size_t kc = t.kc, nr = t.nr;
  const size_t rs = kUnitRowsA ? 1 : t.a_rs;
  const size_t cs = kUnitRowsA ? t.a_cs : 1;
  const size_t bs = kPackedB ? NR : t.b_rs;
  const float* a = t.a;
  const float* b = t.b;
#pragma GCC unroll 32
  for (size_t r = 0; r < kMR; ++r) {
#pragma GCC unroll 8
    for (size_t v = 0; v < kNV; ++v) acc[r][v] = zero();
  }
  for (size_t k = 0; k < kc; ++k, a += cs, b += bs) {
    Vec bv[kNV];
#pragma GCC unroll 8
    for (size_t v = 0; v < kNV; ++v) {
      const size_t j = v * kLanes;
      if (kPackedB || kFull || j + kLanes <= nr) {
        bv[v] = loadu(b + j);
      } else if (j < nr) {  // in-place B edge: never read past column nr
        bv[v] = TailChunk{nr - j}.load(b + j);
      } else {
        bv[v] = zero();
      }
    }
#pragma GCC unroll 32
    for (size_t r = 0; r < kMR; ++r) {
      const Vec ar = set1(a[r * rs]);
#pragma GCC unroll 8
      for (size_t v = 0; v < kNV; ++v) acc[r][v] = fmadd(ar, bv[v], acc[r][v]);
    }
  }
}

template <size_t kMR, size_t kNV, bool kUnitRowsA, bool kPackedB, bool kFull>
void micro_kernel(const TileArgs& t, const TileStore& st) {
  const size_t ldc = t.ldc, mr = t.mr, nr = t.nr, r0 = kFull ? 0 : t.r0;
  float* c = t.c;
  if (kFull) {
#pragma GCC unroll 32
    for (size_t r = 0; r < kMR; ++r) __builtin_prefetch(c + r * ldc, 1);  // C is needed after the k loop
  }
  Vec acc[kMR][kNV];
  accumulate<kMR, kNV, kUnitRowsA, kPackedB, kFull>(t, acc);
  if (kFull && st.alpha == 1.0f && st.beta == 0.0f && !st.bias && !st.relu) {
    // The plain C = A·B store (most calls), without per-vector checks.
#pragma GCC unroll 32
    for (size_t r = 0; r < kMR; ++r) {
#pragma GCC unroll 8
      for (size_t v = 0; v < kNV; ++v) storeu(c + r * ldc + v * kLanes, acc[r][v]);
    }
    return;
  }
#pragma GCC unroll 32
  for (size_t r = 0; r < kMR; ++r) {
    if (!kFull && (r < r0 || r >= mr)) continue;
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

// The same accumulation for a tile of Cᵀ (the driver swapped the operands:
// Cᵀ = op(B)ᵀ·op(A)ᵀ), stored transposed: element (r, j) of the tile goes to
// c[j*ldc + r] and the bias is per tile row. Used when N is narrower than one
// vector (an output layer, N = 10): the vectors then run along M at full
// width instead of filling 10 of 16 lanes. Products are the same FMA chains
// in the same order, so the bits equal the normal path's. Exactly kH rows
// (1..TC_MR): no row past N is read.
template <size_t kH, bool kPackedB>
void micro_kernel_tc(const TileArgs& t, const TileStore& st) {
  Vec acc[kH][NV];
  accumulate<kH, NV, true, kPackedB, false>(t, acc);
  constexpr size_t kW = NR;
  alignas(64) float tile[kH][kW];
  const size_t nr = t.nr, ldc = t.ldc;
  float* c = t.c;
  if (st.beta != 0.0f) {  // gather the old C in tile orientation (beta = 0 never reads it)
    for (size_t j = 0; j < kW; ++j) {
#pragma GCC unroll 16
      for (size_t r = 0; r < kH; ++r) tile[r][j] = j < nr ? c[j * ldc + r] : 0.0f;
    }
  }
#pragma GCC unroll 16
  for (size_t r = 0; r < kH; ++r) {
#pragma GCC unroll 8
    for (size_t v = 0; v < NV; ++v) {
      float* t = &tile[r][v * kLanes];  // old C (when beta != 0), then the result
      storeu(t, epilogue(acc[r][v], st, [&] { return loadu(t); }, [&] { return set1(st.bias[r]); }));
    }
  }
  for (size_t j = 0; j < nr; ++j) {
#pragma GCC unroll 16
    for (size_t r = 0; r < kH; ++r) c[j * ldc + r] = tile[r][j];
  }
}

using TileFn = void (*)(const TileArgs&, const TileStore&);

template <bool kPackedB, size_t... kI>
constexpr std::array<TileFn, sizeof...(kI)> make_tc_kernels(std::index_sequence<kI...>) {
  return {&micro_kernel_tc<kI + 1, kPackedB>...};
}
// micro_kernel_tc<h> for every tile height h = 1..TC_MR, B in place / packed.
constexpr auto kTransposedKernels = make_tc_kernels<false>(std::make_index_sequence<TC_MR>{});
constexpr auto kTransposedKernelsPackedB = make_tc_kernels<true>(std::make_index_sequence<TC_MR>{});

// Picks the smallest instantiation that covers an mr x nr tile.
template <bool kUnitRowsA, bool kPackedB>
void tile(const TileArgs& t, const TileStore& st) {
  constexpr size_t kHalfMR = (MR + 1) / 2;
  const size_t mr = t.mr, nr = t.nr;
  const bool narrow = NV > 1 && nr <= kLanes;
  const bool short_rows = kHalfMR < MR && mr <= kHalfMR;
  if (mr == MR && nr == NR && t.r0 == 0) {
    micro_kernel<MR, NV, kUnitRowsA, kPackedB, true>(t, st);
  } else if (narrow && short_rows) {
    micro_kernel<kHalfMR, 1, kUnitRowsA, kPackedB, false>(t, st);
  } else if (narrow) {
    micro_kernel<MR, 1, kUnitRowsA, kPackedB, false>(t, st);
  } else if (short_rows) {
    micro_kernel<kHalfMR, NV, kUnitRowsA, kPackedB, false>(t, st);
  } else {
    micro_kernel<MR, NV, kUnitRowsA, kPackedB, false>(t, st);
  }
}

template <bool kUnitRowsA>
void tile_b(bool packed_b, const TileArgs& t, const TileStore& st) {
  if (packed_b) {
    tile<kUnitRowsA, true>(t, st);
  } else {
    tile<kUnitRowsA, false>(t, st);
  }
}

// A block of Cᵀ (blk.trans_c, see micro_kernel_tc): A is read in place with
// unit-strided rows, B in place or packed; every tile height is exact.
void macro_kernel_transposed(const GemmBlock& blk) {
  for (size_t i = 0; i < blk.mc; i += TC_MR) {
    const size_t rows = blk.mc - i < TC_MR ? blk.mc - i : TC_MR;
    TileArgs t;
    t.kc = blk.kc;
    t.a = blk.a + i;
    t.a_rs = 1;
    t.a_cs = blk.a_cs;
    t.b_rs = blk.b_rs;
    t.ldc = blk.ldc;
    t.r0 = 0;
    t.mr = rows;
    const TileStore st = {blk.alpha, blk.beta, blk.bias ? blk.bias + i : nullptr, blk.relu};
    for (size_t j = 0; j < blk.nc; j += NR) {
      t.nr = blk.nc - j < NR ? blk.nc - j : NR;
      t.b = blk.b_packed ? blk.b + j * blk.kc : blk.b + j;  // panel j / NR, or in place
      t.c = blk.c + j * blk.ldc + i;
      (blk.b_packed ? kTransposedKernelsPackedB : kTransposedKernels)[rows - 1](t, st);
    }
  }
}

void macro_kernel(const GemmBlock& blk) {
  if (blk.trans_c) return macro_kernel_transposed(blk);
  constexpr size_t kHalfMR = (MR + 1) / 2;
  const size_t kc = blk.kc;
  for (size_t i = 0; i < blk.mc; i += MR) {
    const size_t rows = blk.mc - i < MR ? blk.mc - i : MR;
    TileArgs t;
    t.kc = kc;
    t.a_rs = blk.a_rs;
    t.a_cs = blk.a_cs;
    t.b_rs = blk.b_rs;
    t.ldc = blk.ldc;
    t.r0 = 0;
    t.mr = rows;
    size_t row = i;  // first row of C the tile covers
    if (blk.a_packed) {
      t.a = blk.a + i * kc;  // panel i / MR
      t.a_rs = 1;
      t.a_cs = MR;
    } else if (rows == MR) {
      t.a = blk.a + i * blk.a_rs;
    } else {
      // Partial last panel of in-place A: never read rows past mc. When the
      // block has enough rows, run the smallest kernel height that covers it
      // over the rows ending at mc and store only the new ones (same bits,
      // no packing); else pack it.
      const size_t h = rows <= kHalfMR ? kHalfMR : MR;
      if (blk.mc >= h) {
        row = blk.mc - h;
        t.a = blk.a + row * blk.a_rs;
        t.r0 = h - rows;
        t.mr = h;
      } else {
        gemm_pack_panel(blk.a + i * blk.a_rs, blk.a_rs, blk.a_cs, rows, kc, MR, blk.scratch);
        t.a = blk.scratch;
        t.a_rs = 1;
        t.a_cs = MR;
      }
    }
    const bool unit_rows_a = t.a_rs == 1;
    for (size_t j = 0; j < blk.nc; j += NR) {
      t.nr = blk.nc - j < NR ? blk.nc - j : NR;
      t.c = blk.c + row * blk.ldc + j;
      bool packed_b = true;
      if (blk.b_packed) {
        t.b = blk.b + j * kc;  // panel j / NR
      } else if (t.nr == NR || kGemmBlocking.cheap_partial_loads) {
        t.b = blk.b + j;
        packed_b = false;
      } else {
        if (i == 0) gemm_pack_panel(blk.b + j, 1, blk.b_rs, t.nr, kc, NR, blk.scratch_b);  // once per block
        t.b = blk.scratch_b;
      }
      const TileStore st = {blk.alpha, blk.beta, blk.bias ? blk.bias + j : nullptr, blk.relu};
      if (unit_rows_a) {
        tile_b<true>(packed_b, t, st);
      } else {
        tile_b<false>(packed_b, t, st);
      }
    }
  }
}

}  // namespace

extern const GemmKernels kGemmKernels = {kGemmBlocking, gemm_pack_a, gemm_pack_b, macro_kernel, gemm_scale_c};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

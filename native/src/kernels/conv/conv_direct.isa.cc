// Direct convolution rows (conv_direct.h), written once over the SIMD
// abstraction and compiled once per ISA.
#include "../../simd/target.h"
#include "conv_direct.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

#include "conv_blocking.inl"

// Pixels [ox0, ox0 + MR); those before ox0 + skip were stored by the
// previous block (a shifted last block), so only the rest are stored.
template <size_t MR, size_t NV>
inline void block(const ConvDirectRow& a, size_t ox0, size_t skip, size_t co0) {
  Vec acc[MR][NV];
  for (size_t r = 0; r < MR; ++r)
    for (size_t v = 0; v < NV; ++v) acc[r][v] = zero();
  for (size_t i = 0; i < a.kh; ++i) {
    for (size_t j = 0; j < a.kw; ++j) {
      const float* xp = a.x + i * a.tap_row + j * a.tap_col + ox0 * a.px_stride;
      const float* wp = a.w + (i * a.kw + j) * a.cin * a.cout + co0;
      for (size_t ci = 0; ci < a.cin; ++ci, wp += a.cout) {
        Vec wv[NV];
        for (size_t v = 0; v < NV; ++v) wv[v] = loadu(wp + v * kLanes);
        for (size_t r = 0; r < MR; ++r) {
          const Vec xb = set1(xp[r * a.px_stride + ci]);
          for (size_t v = 0; v < NV; ++v) acc[r][v] = fmadd(xb, wv[v], acc[r][v]);
        }
      }
    }
  }
  for (size_t r = skip; r < MR; ++r) {
    float* yp = a.y + (ox0 + r) * a.cout + co0;
    for (size_t v = 0; v < NV; ++v) {
      Vec o = acc[r][v];
      if (a.bias) o = add(o, loadu(a.bias + co0 + v * kLanes));
      if (a.relu) o = max(o, zero());
      if (a.accumulate) o = add(loadu(yp + v * kLanes), o);
      storeu(yp + v * kLanes, o);
    }
  }
}

// The row in blocks of MR pixels; the last block is shifted left to end at
// ow (recomputing a few pixels, stored once) instead of a narrow tail.
template <size_t MR, size_t NV>
void blocks(const ConvDirectRow& a, size_t co0) {
  for (size_t ox0 = 0; ox0 < a.ow; ox0 += MR) {
    if (ox0 + MR <= a.ow) block<MR, NV>(a, ox0, 0, co0);
    else block<MR, NV>(a, a.ow - MR, ox0 - (a.ow - MR), co0);
  }
}

template <size_t NV>
void row_nv(const ConvDirectRow& a, size_t co0) {
  constexpr size_t M = max_mr<NV>();
  if (a.ow >= M) return blocks<M, NV>(a, co0);
  if constexpr (M > 8) {
    if (a.ow >= 8) return blocks<8, NV>(a, co0);
  }
  if constexpr (M > 4) {
    if (a.ow >= 4) return blocks<4, NV>(a, co0);
  }
  if (a.ow >= 2) return blocks<2, NV>(a, co0);
  blocks<1, NV>(a, co0);
}

void row(const ConvDirectRow& a) {
  const size_t vecs = a.cout / kLanes;
  size_t v = 0;
  for (; v + 4 <= vecs; v += 4) row_nv<4>(a, v * kLanes);
  switch (vecs - v) {
    case 3: row_nv<3>(a, v * kLanes); break;
    case 2: row_nv<2>(a, v * kLanes); break;
    case 1: row_nv<1>(a, v * kLanes); break;
    default: break;
  }
}

// Rows [k, k + MR) x vectors [co0, co0 + NV*kLanes) of dW.
template <size_t MR, size_t NV>
inline void wgrad_block(const ConvDirectWgrad& a, size_t k, size_t co0) {
  Vec acc[MR][NV];
  for (size_t r = 0; r < MR; ++r)
    for (size_t v = 0; v < NV; ++v) acc[r][v] = zero();
  size_t off[MR];
  for (size_t r = 0; r < MR; ++r) off[r] = a.off[k + r];
  const float* dyp = a.dy + co0;
  for (size_t n = 0; n < a.count; ++n) {
    for (size_t oy = 0; oy < a.oh; ++oy) {
      const float* base = a.x + n * a.image_floats + oy * a.row_stride;
      for (size_t ox = 0; ox < a.ow; ++ox, base += a.px_stride, dyp += a.cout) {
        Vec g[NV];
        for (size_t v = 0; v < NV; ++v) g[v] = loadu(dyp + v * kLanes);
        for (size_t r = 0; r < MR; ++r) {
          const Vec xb = set1(base[off[r]]);
          for (size_t v = 0; v < NV; ++v) acc[r][v] = fmadd(xb, g[v], acc[r][v]);
        }
      }
    }
  }
  for (size_t r = 0; r < MR; ++r)
    for (size_t v = 0; v < NV; ++v) storeu(a.dw + (k + r) * a.cout + co0 + v * kLanes, acc[r][v]);
}

// Blocks of MR rows; a last partial block is shifted up to end at k1 (same
// bits for the rows computed twice).
template <size_t MR, size_t NV>
void wgrad_rows(const ConvDirectWgrad& a, size_t co0) {
  for (size_t k = a.k0; k < a.k1; k += MR) wgrad_block<MR, NV>(a, k + MR <= a.k1 ? k : a.k1 - MR, co0);
}

// The largest block height <= the rows to do (up to max_mr): few rows (a
// first layer's K = 9 or 27) are covered without recomputation.
template <size_t NV, size_t MR = max_mr<NV>()>
void wgrad_pick(const ConvDirectWgrad& a, size_t co0) {
  if constexpr (MR > 1) {
    if (a.k1 - a.k0 < MR) return wgrad_pick<NV, MR - 1>(a, co0);
  }
  wgrad_rows<MR, NV>(a, co0);
}

void wgrad(const ConvDirectWgrad& a) {
  const size_t vecs = a.cout / kLanes;
  size_t v = 0;
  for (; v + 4 <= vecs; v += 4) wgrad_pick<4>(a, v * kLanes);
  switch (vecs - v) {
    case 3: wgrad_pick<3>(a, v * kLanes); break;
    case 2: wgrad_pick<2>(a, v * kLanes); break;
    case 1: wgrad_pick<1>(a, v * kLanes); break;
    default: break;
  }
}

}  // namespace

extern const ConvDirectKernels kConvDirectKernels = {kLanes, row, wgrad};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

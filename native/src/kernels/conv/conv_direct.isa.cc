// Direct convolution pixels and filter gradients (conv_direct.h), written once over the SIMD
// abstraction and compiled once per ISA.
#include "../../simd/target.h"
#include "conv_direct.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

#include "conv_blocking.inl"

// MR pixels (inputs at xp[r], outputs at yp[r]) x NV vectors of output
// channels from co0; the first `skip` pixels were stored by the previous
// block (a shifted last block), so only the rest are stored.
template <size_t MR, size_t NV>
inline void block(const ConvDirectPixels& a, const float* const (&xp)[MR], float* const (&yp)[MR], size_t skip,
                  size_t co0) {
  Vec acc[MR][NV];
  for (size_t r = 0; r < MR; ++r)
    for (size_t v = 0; v < NV; ++v) acc[r][v] = zero();
  for (size_t i = 0; i < a.kh; ++i) {
    for (size_t j = 0; j < a.kw; ++j) {
      const size_t off = i * a.tap_row + j * a.tap_col;
      const float* xq[MR];
      for (size_t r = 0; r < MR; ++r) xq[r] = xp[r] + off;
      const float* wp = a.w + (i * a.kw + j) * a.cin * a.cout + co0;
      for (size_t ci = 0; ci < a.cin; ++ci, wp += a.cout) {
        Vec wv[NV];
        for (size_t v = 0; v < NV; ++v) wv[v] = loadu(wp + v * kLanes);
        for (size_t r = 0; r < MR; ++r) {
          const Vec xb = set1(xq[r][ci]);
          for (size_t v = 0; v < NV; ++v) acc[r][v] = fmadd(xb, wv[v], acc[r][v]);
        }
      }
    }
  }
  for (size_t r = skip; r < MR; ++r) {
    float* o = yp[r] + co0;
    for (size_t v = 0; v < NV; ++v) {
      Vec s = acc[r][v];
      if (a.bias) s = add(s, loadu(a.bias + co0 + v * kLanes));
      if (a.relu) s = max(s, zero());
      if (a.accumulate) s = add(loadu(o + v * kLanes), s);
      storeu(o + v * kLanes, s);
    }
  }
}

// Input and output of output row t = image*oh + oy, pixel 0.
inline const float* row_input(const ConvDirectPixels& a, size_t t) {
  return a.x + (t / a.oh) * a.image_floats + (t % a.oh) * a.row_stride;
}
inline float* row_output(const ConvDirectPixels& a, size_t t) {
  return a.y + (t / a.oh) * a.y_image + (t % a.oh) * a.y_row;
}

// Pixels [p0, p1) (at least MR) in blocks of MR; the last block is shifted
// back to end at p1 (recomputing a few pixels, stored once).
template <size_t MR, size_t NV>
void blocks(const ConvDirectPixels& a, size_t p0, size_t p1, size_t co0) {
  for (size_t p = p0; p < p1; p += MR) {
    const size_t q = p + MR <= p1 ? p : p1 - MR;
    size_t t = q / a.ow, ox = q % a.ow;
    const float* in = row_input(a, t);
    float* out = row_output(a, t);
    const float* xp[MR];
    float* yp[MR];
    for (size_t r = 0; r < MR; ++r) {
      xp[r] = in + ox * a.px_stride;
      yp[r] = out + ox * a.y_px;
      if (++ox == a.ow && r + 1 < MR) {
        ox = 0;
        in = row_input(a, ++t);
        out = row_output(a, t);
      }
    }
    block<MR, NV>(a, xp, yp, p - q, co0);
  }
}

// The largest of max_mr, 4, 2, 1 pixels that fits [p0, p1).
template <size_t NV>
void pick_blocks(const ConvDirectPixels& a, size_t p0, size_t p1, size_t co0) {
  constexpr size_t M = max_mr<NV>();
  const size_t n = p1 - p0;
  if (n >= M) return blocks<M, NV>(a, p0, p1, co0);
  if constexpr (M > 4) {
    if (n >= 4) return blocks<4, NV>(a, p0, p1, co0);
  }
  if (n >= 2) return blocks<2, NV>(a, p0, p1, co0);
  blocks<1, NV>(a, p0, p1, co0);
}

// Pixels [a.p0, a.p1) in tiles of about 32 blocks: every group of NV vectors
// of channels runs over a tile before the next tile, so the tile's inputs
// stay in cache.
template <size_t NV>
void tiles(const ConvDirectPixels& a) {
  constexpr size_t kTile = 32 * max_mr<NV>();
  const size_t vecs = a.cout / kLanes;
  for (size_t p0 = a.p0; p0 < a.p1; p0 += kTile) {
    // A short last tile joins the one before (no block narrower than needed).
    const size_t p1 = a.p1 - p0 < 2 * kTile ? a.p1 : p0 + kTile;
    size_t v = 0;
    for (; v + NV <= vecs; v += NV) pick_blocks<NV>(a, p0, p1, v * kLanes);
    switch (vecs - v) {
      case 3: if constexpr (NV > 3) pick_blocks<3>(a, p0, p1, v * kLanes); break;
      case 2: if constexpr (NV > 2) pick_blocks<2>(a, p0, p1, v * kLanes); break;
      case 1: pick_blocks<1>(a, p0, p1, v * kLanes); break;
      default: break;
    }
    if (p1 == a.p1) break;
  }
}

// Blocks of 4 vectors of channels (fewer broadcasts per FMA) where their
// filter columns fit in 16 KiB of L1 (1x1 filters, first layers), else
// kWideNV (2 with 16 registers: the 3 x 4 block spills, and ResNet's 3x3
// stride-2 filters' 4-vector columns, 18-36 KiB, left L1; measured on Zen 3
// AVX2: 6 x 2 blocks 1.2x faster there, 4-vector blocks 1.1x faster on the
// 1x1 stride-2 shortcuts).
void pixels(const ConvDirectPixels& a) {
  if constexpr (kWideNV < 4) {
    if (a.kh * a.kw * a.cin * 4 * kLanes * sizeof(float) <= (size_t{16} << 10)) return tiles<4>(a);
  }
  tiles<kWideNV>(a);
}

// Rows [k, k + MR) x vectors [co0, co0 + NV*kLanes) of dW over output rows
// [t0, t1) of the batch (t = image*oh + oy): started from zero (first) or from
// what the previous rows stored, so each dW element still sums its terms in
// pixel order (the same bits as one pass over all rows). The first `skip`
// rows are not stored (a shifted last block's rows another block already
// stored for these output rows: stored again, a chunk's terms would count twice).
template <size_t MR, size_t NV>
inline void wgrad_block(const ConvDirectWgrad& a, size_t k, size_t co0, size_t t0, size_t t1, bool first,
                        size_t skip) {
  Vec acc[MR][NV];
  float* dwp = a.dw + k * a.cout + co0;
  for (size_t r = 0; r < MR; ++r)
    for (size_t v = 0; v < NV; ++v) acc[r][v] = first ? zero() : loadu(dwp + r * a.cout + v * kLanes);
  size_t off[MR];
  for (size_t r = 0; r < MR; ++r) off[r] = a.off[k + r];
  const float* dyp = a.dy + t0 * a.ow * a.cout + co0;
  const float* img = a.x + (t0 / a.oh) * a.image_floats;
  size_t oy = t0 % a.oh;
  for (size_t t = t0; t < t1; ++t, ++oy) {
    if (oy == a.oh) {  // (advanced only when used: no pointer past the batch)
      oy = 0;
      img += a.image_floats;
    }
    const float* base = img + oy * a.row_stride;
    for (size_t ox = 0; ox < a.ow; ++ox, base += a.px_stride, dyp += a.cout) {
      Vec g[NV];
      for (size_t v = 0; v < NV; ++v) g[v] = loadu(dyp + v * kLanes);
      for (size_t r = 0; r < MR; ++r) {
        const Vec xb = set1(base[off[r]]);
        for (size_t v = 0; v < NV; ++v) acc[r][v] = fmadd(xb, g[v], acc[r][v]);
      }
    }
  }
  for (size_t r = skip; r < MR; ++r)
    for (size_t v = 0; v < NV; ++v) storeu(dwp + r * a.cout + v * kLanes, acc[r][v]);
}

// Blocks of MR rows; a last partial block is shifted up to end at k1 and
// stores only the rows no other block did.
template <size_t MR, size_t NV>
void wgrad_rows(const ConvDirectWgrad& a, size_t co0, size_t t0, size_t t1, bool first) {
  for (size_t k = a.k0; k < a.k1; k += MR) {
    if (k + MR <= a.k1) wgrad_block<MR, NV>(a, k, co0, t0, t1, first, 0);
    else wgrad_block<MR, NV>(a, a.k1 - MR, co0, t0, t1, first, k - (a.k1 - MR));
  }
}

// The largest block height <= the rows to do (up to max_mr): few rows (a
// first layer's K = 9 or 27) are covered without recomputation.
template <size_t NV, size_t MR = max_mr<NV>()>
void wgrad_pick(const ConvDirectWgrad& a, size_t co0, size_t t0, size_t t1, bool first) {
  if constexpr (MR > 1) {
    if (a.k1 - a.k0 < MR) return wgrad_pick<NV, MR - 1>(a, co0, t0, t1, first);
  }
  wgrad_rows<MR, NV>(a, co0, t0, t1, first);
}

// About this many output pixels per pass over all blocks of dW: their dy
// rows (and the x they read) stay in L1 while every block reads them, where
// one pass per block over the whole batch streamed dy from memory K/MR times.
constexpr size_t kWgradChunkPixels = 64;

template <size_t NV>
void wgrad_nv(const ConvDirectWgrad& a) {
  const size_t vecs = a.cout / kLanes, rows = a.count * a.oh;
  const size_t step = a.ow >= kWgradChunkPixels ? 1 : kWgradChunkPixels / a.ow;
  for (size_t t0 = 0; t0 < rows || t0 == 0; t0 += step) {  // no rows: zeros
    const size_t t1 = t0 + step < rows ? t0 + step : rows;
    const bool first = t0 == 0;
    size_t v = 0;
    for (; v + NV <= vecs; v += NV) wgrad_pick<NV>(a, v * kLanes, t0, t1, first);
    switch (vecs - v) {
      case 3: if constexpr (NV > 3) wgrad_pick<3>(a, v * kLanes, t0, t1, first); break;
      case 2: if constexpr (NV > 2) wgrad_pick<2>(a, v * kLanes, t0, t1, first); break;
      case 1: wgrad_pick<1>(a, v * kLanes, t0, t1, first); break;
      default: break;
    }
  }
}

// kWideNV-vector blocks (6 x 2 with 16 registers: no spill) where their
// height divides the dW rows, else 4 vectors (3 x 4: fewer rows recomputed
// by the shifted last block). Zen 3 AVX2: ResNet's 3x3 16->32 stride 2
// (K = 144) 1.2x faster with 6 x 2, its 1x1 32->64 shortcut (K = 32) 1.15x
// faster with 3 x 4.
void wgrad(const ConvDirectWgrad& a) {
  if constexpr (kWideNV < 4) {
    if ((a.k1 - a.k0) % max_mr<kWideNV>() != 0) return wgrad_nv<4>(a);
  }
  wgrad_nv<kWideNV>(a);
}

}  // namespace

extern const ConvDirectKernels kConvDirectKernels = {kLanes, pixels, wgrad};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

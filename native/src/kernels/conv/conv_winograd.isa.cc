// Winograd F(2x2, 3x3) and F(4x4, 3x3) tiles (conv_winograd.h), written once
// over the SIMD abstraction and compiled once per ISA. A chunk of tiles goes
// through three steps whose buffers stay in cache:
//   1. input transform   V[chunk][taps][c]    = B^T d B per tile and channel vector
//   2. products          M[chunk][taps][cout] = V[k] · U[k] (register-blocked)
//   3. output transform  y = A^T M A (+ bias, relu), stored (or added to y) where inside
// The filter gradient shares step 1, transforms dy into dM[taps][chunk][cout]
// (tap-major: its products read dM[k] row by row) instead of y, and
// accumulates dU[k] += V[k]^T · dM[k].
#include <algorithm>

#include "../../simd/target.h"
#include "conv_winograd.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

#include "conv_blocking.inl"

// Where tile t of the batch reads and writes.
struct TilePos {
  size_t n;
  long iy0, ix0;  // top-left input pixel of the (m+2)x(m+2) window (may be outside)
  size_t oy0, ox0;
};

inline TilePos tile_pos(const WinogradTiles& g, size_t t) {
  const size_t per = g.per_image(), tw = g.tw();
  const size_t n = t / per, r = t % per, ty = r / tw, tx = r % tw;
  return {n, static_cast<long>(g.m * ty) - g.pad_top, static_cast<long>(g.m * tx) - g.pad_left, g.m * ty, g.m * tx};
}

// B^T d B of one channel vector of a 4x4 window, stored to the 16 rows of v
// (`step` floats apart). load(r, s) gives d[r][s].
template <class Load>
inline void transform_window(Load&& load, float* out, size_t step) {
  Vec t[4][4];
  for (int s = 0; s < 4; ++s) {
    const Vec d0 = load(0, s), d1 = load(1, s), d2 = load(2, s), d3 = load(3, s);
    t[0][s] = sub(d0, d2);
    t[1][s] = add(d1, d2);
    t[2][s] = sub(d2, d1);
    t[3][s] = sub(d1, d3);
  }
  for (int r = 0; r < 4; ++r) {
    storeu(out + (r * 4 + 0) * step, sub(t[r][0], t[r][2]));
    storeu(out + (r * 4 + 1) * step, add(t[r][1], t[r][2]));
    storeu(out + (r * 4 + 2) * step, sub(t[r][2], t[r][1]));
    storeu(out + (r * 4 + 3) * step, sub(t[r][1], t[r][3]));
  }
}

// o = B^T d for F(4x4, 3x3) (conv_winograd.h), one column or row of 6.
inline void bt6(const Vec* d, Vec* o) {
  const Vec two = set1(2.0f), four = set1(4.0f), five = set1(5.0f);
  o[0] = fmadd(four, d[0], fnmadd(five, d[2], d[4]));
  const Vec a = fnmadd(four, d[2], d[4]), b = fnmadd(four, d[1], d[3]);
  o[1] = add(a, b);
  o[2] = sub(a, b);
  const Vec e = sub(d[4], d[2]), f = mul(two, sub(d[3], d[1]));
  o[3] = add(e, f);
  o[4] = sub(e, f);
  o[5] = fmadd(four, d[1], fnmadd(five, d[3], d[5]));
}

// A two-pass (separable) transform of one channel vector: tf maps NI
// vectors to NO, applied to each column of d (load(r, s) gives d[r][s]),
// then to each row of the result; the NO x NO values go to the rows of out
// (`step` floats apart).
template <int NI, int NO, class Load, class Tf>
inline void two_pass(Load&& load, Tf&& tf, float* out, size_t step) {
  Vec t[NO][NI];
  for (int s = 0; s < NI; ++s) {
    Vec d[NI], o[NO];
    for (int r = 0; r < NI; ++r) d[r] = load(r, s);
    tf(d, o);
    for (int r = 0; r < NO; ++r) t[r][s] = o[r];
  }
  for (int r = 0; r < NO; ++r) {
    Vec o[NO];
    tf(t[r], o);
    for (int j = 0; j < NO; ++j) storeu(out + (r * NO + j) * step, o[j]);
  }
}

// relu(v) as the BatchNorm + ReLU kernel computes it: v if v > 0 or NaN, else +0
// (an ordered v <= 0 is false for NaN, true for -0).
inline Vec pre_relu(Vec v) { return select(cmp_le(v, zero()), zero(), v); }

// Step 1 for tiles [t0, t0 + nt): v[(i*taps + k)*c + ci], a tile's taps
// together (one run of stores; measured 3-6 % faster forward and input
// gradients than tap-major V and M on ResNet's layers). With Pre, each
// value inside the input goes through the pre-op (WinogradTiles); values
// outside the input are zero.
//
// F(2x2, 3x3): window by window; windows inside the input load without checks.
template <bool Pre>
void input_transform2(const WinogradTiles& g, size_t t0, size_t nt, float* v) {
  constexpr long N = 4;
  const long h = static_cast<long>(g.h), w = static_cast<long>(g.w);
  const size_t c = g.c, row = g.w * c, step = c;
  for (size_t i = 0; i < nt; ++i) {
    const TilePos p = tile_pos(g, t0 + i);
    float* out = v + i * N * N * c;
    const bool inside = p.iy0 >= 0 && p.ix0 >= 0 && p.iy0 + N <= h && p.ix0 + N <= w;
    const float* img = g.x + p.n * g.h * g.w * c;
    bool row_ok[N], col_ok[N];
    for (int r = 0; r < N; ++r) row_ok[r] = p.iy0 + r >= 0 && p.iy0 + r < h;
    for (int s = 0; s < N; ++s) col_ok[s] = p.ix0 + s >= 0 && p.ix0 + s < w;
    for (size_t ci = 0; ci < c; ci += kLanes) {
      Vec sh = zero(), sc = zero(), bi = zero();
      if constexpr (Pre) sh = loadu(g.pre_shift + ci), sc = loadu(g.pre_scale + ci), bi = loadu(g.pre_bias + ci);
      auto op = [&](Vec d) {
        if constexpr (Pre) return pre_relu(add(mul(sub(d, sh), sc), bi));
        else return d;
      };
      if (inside) {
        const float* base = img + (static_cast<size_t>(p.iy0) * g.w + static_cast<size_t>(p.ix0)) * c + ci;
        transform_window([&](int r, int s) { return op(loadu(base + r * row + s * c)); }, out + ci, step);
      } else {
        transform_window(
            [&](int r, int s) {
              return row_ok[r] && col_ok[s] ? op(loadu(img + ((p.iy0 + r) * w + (p.ix0 + s)) * static_cast<long>(c) + ci))
                                            : zero();
            },
            out + ci, step);
      }
    }
  }
}

// F(4x4, 3x3): B^T d B = (B^T (B^T d)^T)^T, a column pass (bt6 of each
// column of the 6x6 window) then a row pass (bt6 of each row of that).
// Windows of neighbouring tiles of a tile row share 2 of their 6 columns,
// so the tiles go in runs along a tile row (a chunk may start or end mid
// row), and per channel vector the column pass runs once per input column
// of the run (4 run + 2 columns instead of 6 run: fewer loads, pre-ops and
// passes): each tile computes its 4 new columns (the first one all 6) into
// a ring of 8 and its row pass reads its 6 there. Each window value is
// still bt6 of bt6 of the same inputs (columns outside the input: bt6 of
// zeros), so the bits are those of a window-by-window transform. The
// channel vectors go in groups of up to kGroup (64 bytes): the row pass
// writes each 64-byte piece of a tile's V at once (one write-allocate per
// cache line; measured slower without). Column then row pass per tile
// (rather than all columns of the run first) measured faster on inputs
// that come from memory.
constexpr size_t kGroup = kLanes >= 16 ? 1 : 16 / kLanes;

template <bool Pre>
void input_transform4(const WinogradTiles& g, size_t t0, size_t nt, float* v) {
  const long h = static_cast<long>(g.h), w = static_cast<long>(g.w), cs = static_cast<long>(g.c), row = w * cs;
  const size_t c = g.c, tw = g.tw(), per = g.per_image();
  Vec col[kGroup][8][6];  // column x of the run at col[q][x % 8]
  for (size_t i = 0; i < nt;) {
    const TilePos p = tile_pos(g, t0 + i);
    size_t run = tw - (t0 + i) % per % tw;  // tiles left in this tile row
    if (run > nt - i) run = nt - i;
    const long cols = 4 * static_cast<long>(run) + 2;
    // Columns [lo, hi) of the run lie inside the input.
    const long lo = std::min(cols, std::max(0L, -p.ix0)), hi = std::max(lo, std::min(cols, w - p.ix0));
    bool row_ok[6], all_rows = true;
    for (int r = 0; r < 6; ++r) {
      row_ok[r] = p.iy0 + r >= 0 && p.iy0 + r < h;
      all_rows = all_rows && row_ok[r];
    }
    const float* img = g.x + p.n * g.h * g.w * c;
    float* out = v + i * 36 * c;
    // The next tile row's new rows (iy0 + 6 .. iy0 + 9), or after an image's
    // last tile row the next image's first rows where its tiles are in this
    // call: prefetched (offsets from img) while this run reads its columns.
    long pf[6];
    int npf = 0;
    const size_t ty = (t0 + i) % per / tw;
    if (ty + 1 < g.th()) {
      for (long r = p.iy0 + 6; r < p.iy0 + 10; ++r)
        if (r >= 0 && r < h) pf[npf++] = r * row;
    } else if ((p.n + 1) * per < t0 + nt) {
      for (long r = -g.pad_top; r < 6 - g.pad_top; ++r)
        if (r >= 0 && r < h) pf[npf++] = (h + r) * row;
    }
    for (size_t c0 = 0; c0 < c; c0 += kGroup * kLanes) {
      const size_t nv = std::min(kGroup, (c - c0) / kLanes);
      for (size_t j = 0; j < run; ++j) {
        const long x0 = j ? 4 * static_cast<long>(j) + 2 : 0, x1 = 4 * static_cast<long>(j) + 6;
        for (size_t q = 0; q < nv; ++q) {
          const size_t ci = c0 + q * kLanes;
          Vec sh = zero(), sc = zero(), bi = zero();
          if constexpr (Pre) sh = loadu(g.pre_shift + ci), sc = loadu(g.pre_scale + ci), bi = loadu(g.pre_bias + ci);
          auto op = [&](Vec d) {
            if constexpr (Pre) return pre_relu(add(mul(sub(d, sh), sc), bi));
            else return d;
          };
          for (long x = x0; x < x1; ++x) {
            Vec d[6];
            if (x >= lo && x < hi) {
              const long off = (p.iy0 * w + p.ix0 + x) * cs + static_cast<long>(ci);
              if (q == 0)
                for (int k = 0; k < npf; ++k) __builtin_prefetch(img + pf[k] + (p.ix0 + x) * cs + static_cast<long>(ci));
              if (all_rows) {
                const float* src = img + off;
                for (int r = 0; r < 6; ++r, src += row) d[r] = op(loadu(src));
              } else {
                for (int r = 0; r < 6; ++r) d[r] = row_ok[r] ? op(loadu(img + (off + r * row))) : zero();
              }
            } else {
              for (int r = 0; r < 6; ++r) d[r] = zero();
            }
            bt6(d, col[q][x & 7]);
          }
        }
        float* o = out + j * 36 * c + c0;
        for (int r = 0; r < 6; ++r)
          for (size_t q = 0; q < nv; ++q) {
            Vec d[6], e[6];
            for (int s = 0; s < 6; ++s) d[s] = col[q][(4 * j + s) & 7][r];
            bt6(d, e);
            float* dst = o + r * 6 * c + q * kLanes;
            for (int k = 0; k < 6; ++k, dst += c) storeu(dst, e[k]);
          }
      }
    }
    i += run;
  }
}

template <size_t M>
void input_transform(const WinogradTiles& g, size_t t0, size_t nt, float* v) {
  if constexpr (M == 4) {
    if (g.pre_shift) input_transform4<true>(g, t0, nt, v);
    else input_transform4<false>(g, t0, nt, v);
  } else {
    if (g.pre_shift) input_transform2<true>(g, t0, nt, v);
    else input_transform2<false>(g, t0, nt, v);
  }
}

// Step 2: m[i*ldm + co] = Σ_ci v[i*ldv + ci] u[ci, co] for rows [i0, i0 + MR), NV vectors at co0.
// One input channel ci of a block: acc[r][q] += v[r][ci] * u[ci][q].
template <size_t MR, size_t NV>
inline void product_step(Vec (&acc)[MR][NV], const float* vp, size_t ldv, size_t ci, const float* up) {
  Vec uv[NV];
  for (size_t q = 0; q < NV; ++q) uv[q] = loadu(up + q * kLanes);
  for (size_t r = 0; r < MR; ++r) {
    const Vec b = set1(vp[r * ldv + ci]);
    for (size_t q = 0; q < NV; ++q) acc[r][q] = fmadd(b, uv[q], acc[r][q]);
  }
}

// C > 0: c == C, the channel loop unrolled in full (the same operations in the same order).
template <size_t MR, size_t NV, size_t C = 0>
inline void product_block(const float* v, size_t ldv, const float* u, float* m, size_t ldm, size_t c, size_t cout,
                          size_t i0, size_t co0) {
  Vec acc[MR][NV];
  for (size_t r = 0; r < MR; ++r)
    for (size_t q = 0; q < NV; ++q) acc[r][q] = zero();
  const float* vp = v + i0 * ldv;
  const float* up = u + co0;
  if constexpr (C > 0) {
#pragma GCC unroll 32
    for (size_t ci = 0; ci < C; ++ci, up += cout) product_step<MR, NV>(acc, vp, ldv, ci, up);
  } else {
    for (size_t ci = 0; ci < c; ++ci, up += cout) product_step<MR, NV>(acc, vp, ldv, ci, up);
  }
  for (size_t r = 0; r < MR; ++r)
    for (size_t q = 0; q < NV; ++q) storeu(m + (i0 + r) * ldm + co0 + q * kLanes, acc[r][q]);
}

// Rows [0, rows) in blocks of MR; a last partial block is shifted up to end
// at `rows` (rows computed twice get the same bits).
template <size_t MR, size_t NV>
void product_rows(const float* v, size_t ldv, const float* u, float* m, size_t ldm, size_t c, size_t cout, size_t rows,
                  size_t co0) {
  for (size_t i = 0; i < rows; i += MR)
    product_block<MR, NV>(v, ldv, u, m, ldm, c, cout, i + MR <= rows ? i : rows - MR, co0);
}

template <size_t MR, size_t NV, size_t C>
void product_rows_c(const float* v, size_t ldv, const float* u, float* m, size_t ldm, size_t cout, size_t rows,
                    size_t co0) {
  for (size_t i = 0; i < rows; i += MR)
    product_block<MR, NV, C>(v, ldv, u, m, ldm, C, cout, i + MR <= rows ? i : rows - MR, co0);
}

template <size_t NV>
void product_nv(const float* v, size_t ldv, const float* u, float* m, size_t ldm, size_t c, size_t cout, size_t rows,
                size_t co0) {
  constexpr size_t M = max_mr<NV>();
  // 6 x 2 blocks of 16 or 32 input channels (ResNet's first two stages) with
  // the channel loop unrolled: on Zen 3 AVX2 (3x3, batch 128, 1 thread) the
  // products 0.87x / 0.92x, forward and input gradient 0.91x / 0.94x; 64
  // channels unrolled measured slower (1.06x).
  if constexpr (M == 6 && NV == 2) {
    if (rows >= M && c == 16) return product_rows_c<M, NV, 16>(v, ldv, u, m, ldm, cout, rows, co0);
    if (rows >= M && c == 32) return product_rows_c<M, NV, 32>(v, ldv, u, m, ldm, cout, rows, co0);
  }
  if (rows >= M) return product_rows<M, NV>(v, ldv, u, m, ldm, c, cout, rows, co0);
  if constexpr (M > 4) {
    if (rows >= 4) return product_rows<4, NV>(v, ldv, u, m, ldm, c, cout, rows, co0);
  }
  if (rows >= 2) return product_rows<2, NV>(v, ldv, u, m, ldm, c, cout, rows, co0);
  product_rows<1, NV>(v, ldv, u, m, ldm, c, cout, rows, co0);
}

void product(const float* v, size_t ldv, const float* u, float* m, size_t ldm, size_t c, size_t cout, size_t rows) {
  const size_t vecs = cout / kLanes;
  size_t q = 0;
  for (; q + kWideNV <= vecs; q += kWideNV) product_nv<kWideNV>(v, ldv, u, m, ldm, c, cout, rows, q * kLanes);
  switch (vecs - q) {
    case 3: product_nv<3>(v, ldv, u, m, ldm, c, cout, rows, q * kLanes); break;
    case 2: product_nv<2>(v, ldv, u, m, ldm, c, cout, rows, q * kLanes); break;
    case 1: product_nv<1>(v, ldv, u, m, ldm, c, cout, rows, q * kLanes); break;
    default: break;
  }
}

// o = A^T m for F(4x4, 3x3), one column or row of 6 -> 4.
inline void at6(const Vec* m, Vec* o) {
  const Vec s12 = add(m[1], m[2]), d12 = sub(m[1], m[2]), s34 = add(m[3], m[4]), d34 = sub(m[3], m[4]);
  o[0] = add(add(m[0], s12), s34);
  o[1] = fmadd(set1(2.0f), d34, d12);
  o[2] = fmadd(set1(4.0f), s34, s12);
  o[3] = add(fmadd(set1(8.0f), d34, d12), m[5]);
}

// y = A^T M A (+ bias, relu) of NV channel vectors (at co, co + kLanes, ...)
// of one tile, rows x cols outputs (4 x 4, unrolled, when Full). Two vectors
// at once interleave two independent chains (measured faster than one on
// Zen 3 AVX2); the operations per output value are those of one.
template <bool Full, size_t NV>
inline void output_vector4(const WinogradForward& a, const float* mp, size_t step, size_t co, float* y0,
                           size_t row_floats, size_t rows, size_t cols) {
  const bool bias = a.bias != nullptr, relu = a.relu, accumulate = a.accumulate;
  const size_t cout = a.cout;
  Vec t[NV][4][6];
  for (int s = 0; s < 6; ++s)
    for (size_t h = 0; h < NV; ++h) {
      Vec col[6], o[4];
      for (int r = 0; r < 6; ++r) col[r] = loadu(mp + (r * 6 + s) * step + h * kLanes);
      at6(col, o);
      for (int r = 0; r < 4; ++r) t[h][r][s] = o[r];
    }
  for (size_t r = 0; r < (Full ? 4 : rows); ++r)
    for (size_t h = 0; h < NV; ++h) {
      const Vec b = bias ? loadu(a.bias + co + h * kLanes) : zero();
      Vec o[4];
      at6(t[h][r], o);
      for (size_t j = 0; j < (Full ? 4 : cols); ++j) {
        Vec v = bias ? add(o[j], b) : o[j];
        if (relu) v = max(v, zero());
        float* out = y0 + r * row_floats + j * cout + co + h * kLanes;
        storeu(out, accumulate ? add(loadu(out), v) : v);
      }
    }
}

// Step 3 of F(4x4, 3x3): y = A^T M A (+ bias, relu) for tiles [t0, t0 + nt).
void output_transform4(const WinogradForward& a, size_t t0, size_t nt, const float* m) {
  const WinogradTiles& g = a.in;
  const size_t step = a.cout, row_floats = g.ow * a.cout;
  for (size_t i = 0; i < nt; ++i) {
    const TilePos p = tile_pos(g, t0 + i);
    const size_t rows = g.oh - p.oy0 < 4 ? g.oh - p.oy0 : 4, cols = g.ow - p.ox0 < 4 ? g.ow - p.ox0 : 4;
    float* y0 = a.y + ((p.n * g.oh + p.oy0) * g.ow + p.ox0) * a.cout;
    const float* mp = m + i * 36 * a.cout;
    if (rows == 4 && cols == 4) {
      size_t co = 0;
      for (; co + 2 * kLanes <= a.cout; co += 2 * kLanes)
        output_vector4<true, 2>(a, mp + co, step, co, y0, row_floats, 4, 4);
      if (co < a.cout) output_vector4<true, 1>(a, mp + co, step, co, y0, row_floats, 4, 4);
    } else {
      for (size_t co = 0; co < a.cout; co += kLanes)
        output_vector4<false, 1>(a, mp + co, step, co, y0, row_floats, rows, cols);
    }
  }
}

// Step 3 for tiles [t0, t0 + nt) from m[(i*taps + k)*cout + co].
void output_transform(const WinogradForward& a, size_t t0, size_t nt, const float* m) {
  const WinogradTiles& g = a.in;
  const size_t step = a.cout;
  for (size_t i = 0; i < nt; ++i) {
    const TilePos p = tile_pos(g, t0 + i);
    const bool row1 = p.oy0 + 1 < g.oh, col1 = p.ox0 + 1 < g.ow;
    float* y0 = a.y + ((p.n * g.oh + p.oy0) * g.ow + p.ox0) * a.cout;
    float* y1 = y0 + g.ow * a.cout;
    for (size_t co = 0; co < a.cout; co += kLanes) {
      const float* mp = m + i * 16 * a.cout + co;
      Vec r0[4], r1[4];
      for (int s = 0; s < 4; ++s) {
        const Vec m0 = loadu(mp + (0 * 4 + s) * step), m1 = loadu(mp + (1 * 4 + s) * step);
        const Vec m2 = loadu(mp + (2 * 4 + s) * step), m3 = loadu(mp + (3 * 4 + s) * step);
        r0[s] = add(add(m0, m1), m2);
        r1[s] = sub(sub(m1, m2), m3);
      }
      Vec o00 = add(add(r0[0], r0[1]), r0[2]), o01 = sub(sub(r0[1], r0[2]), r0[3]);
      Vec o10 = add(add(r1[0], r1[1]), r1[2]), o11 = sub(sub(r1[1], r1[2]), r1[3]);
      if (a.bias) {
        const Vec b = loadu(a.bias + co);
        o00 = add(o00, b), o01 = add(o01, b), o10 = add(o10, b), o11 = add(o11, b);
      }
      if (a.relu) {
        o00 = max(o00, zero()), o01 = max(o01, zero()), o10 = max(o10, zero()), o11 = max(o11, zero());
      }
      if (a.accumulate) {
        o00 = add(loadu(y0 + co), o00);
        if (col1) o01 = add(loadu(y0 + a.cout + co), o01);
        if (row1) o10 = add(loadu(y1 + co), o10);
        if (row1 && col1) o11 = add(loadu(y1 + a.cout + co), o11);
      }
      storeu(y0 + co, o00);
      if (col1) storeu(y0 + a.cout + co, o01);
      if (row1) {
        storeu(y1 + co, o10);
        if (col1) storeu(y1 + a.cout + co, o11);
      }
    }
  }
}

// The chunk loop of both passes over tiles [a.t0, a.t1): each chunk's input
// transform goes to V at a.buf, then step(t, nt, v, m) with m (M or dM) after V.
template <size_t M, class Args, class Step>
void each_chunk(const Args& a, Step&& step) {
  float* v = a.buf;
  float* m = a.buf + (M + 2) * (M + 2) * a.chunk * a.in.c;
  for (size_t t = a.t0; t < a.t1; t += a.chunk) {
    const size_t nt = a.t1 - t < a.chunk ? a.t1 - t : a.chunk;
    input_transform<M>(a.in, t, nt, v);
    step(t, nt, v, m);
  }
}

template <size_t M>
void forward_tiles(const WinogradForward& a) {
  const size_t c = a.in.c;
  each_chunk<M>(a, [&](size_t t, size_t nt, const float* v, float* m) {
    for (size_t k = 0; k < (M + 2) * (M + 2); ++k)
      product(v + k * c, (M + 2) * (M + 2) * c, a.u + k * c * a.cout, m + k * a.cout, (M + 2) * (M + 2) * a.cout, c,
              a.cout, nt);
    if constexpr (M == 4) output_transform4(a, t, nt, m);
    else output_transform(a, t, nt, m);
  });
}

void forward(const WinogradForward& a) {
  if (a.in.m == 4) forward_tiles<4>(a);
  else forward_tiles<2>(a);
}

// dM = A dY A^T of tiles [t0, t0 + nt): dm[(k*chunk + i)*cout + co].
void dy_transform(const WinogradFilter& a, size_t t0, size_t nt, float* dm) {
  const WinogradTiles& g = a.in;
  const size_t step = a.chunk * a.cout;
  for (size_t i = 0; i < nt; ++i) {
    const TilePos p = tile_pos(g, t0 + i);
    const bool row1 = p.oy0 + 1 < g.oh, col1 = p.ox0 + 1 < g.ow;
    const float* d0 = a.dy + ((p.n * g.oh + p.oy0) * g.ow + p.ox0) * a.cout;
    const float* d1 = d0 + g.ow * a.cout;
    for (size_t co = 0; co < a.cout; co += kLanes) {
      const Vec g00 = loadu(d0 + co), g01 = col1 ? loadu(d0 + a.cout + co) : zero();
      const Vec g10 = row1 ? loadu(d1 + co) : zero(), g11 = row1 && col1 ? loadu(d1 + a.cout + co) : zero();
      // Rows: e = [g0, g0 + g1, g0 - g1, -g1] for each of the two columns.
      const Vec e[4][2] = {{g00, g01}, {add(g00, g10), add(g01, g11)}, {sub(g00, g10), sub(g01, g11)}, {neg(g10), neg(g11)}};
      float* out = dm + i * a.cout + co;
      for (int r = 0; r < 4; ++r) {
        storeu(out + (r * 4 + 0) * step, e[r][0]);
        storeu(out + (r * 4 + 1) * step, add(e[r][0], e[r][1]));
        storeu(out + (r * 4 + 2) * step, sub(e[r][0], e[r][1]));
        storeu(out + (r * 4 + 3) * step, neg(e[r][1]));
      }
    }
  }
}

// One tile i of a block: acc[r][q] += v[i][ci0 + r] * dm[i][q].
template <size_t MR, size_t NV>
inline void grad_step(Vec (&acc)[MR][NV], const float* v, size_t ldv, const float* dm, size_t ldm, size_t i, size_t ci0,
                      size_t co0) {
  Vec gv[NV];
  for (size_t q = 0; q < NV; ++q) gv[q] = loadu(dm + i * ldm + co0 + q * kLanes);
  const float* vp = v + i * ldv + ci0;
  for (size_t r = 0; r < MR; ++r) {
    const Vec b = set1(vp[r]);
    for (size_t q = 0; q < NV; ++q) acc[r][q] = fmadd(b, gv[q], acc[r][q]);
  }
}

// du[ci, co] += Σ_i v[i*ldv + ci] dm[i*ldm + co] for ci in [ci0, ci0 + MR), NV vectors at co0.
// N > 0: nt == N, the tile loop unrolled in full (the same operations in the same order).
template <size_t MR, size_t NV, size_t N = 0>
inline void grad_block(const float* v, size_t ldv, const float* dm, size_t ldm, float* du, size_t cout, size_t nt,
                       size_t ci0, size_t co0) {
  Vec acc[MR][NV];
  for (size_t r = 0; r < MR; ++r)
    for (size_t q = 0; q < NV; ++q) acc[r][q] = loadu(du + (ci0 + r) * cout + co0 + q * kLanes);
  if constexpr (N > 0) {
#pragma GCC unroll 36
    for (size_t i = 0; i < N; ++i) grad_step<MR, NV>(acc, v, ldv, dm, ldm, i, ci0, co0);
  } else {
    for (size_t i = 0; i < nt; ++i) grad_step<MR, NV>(acc, v, ldv, dm, ldm, i, ci0, co0);
  }
  for (size_t r = 0; r < MR; ++r)
    for (size_t q = 0; q < NV; ++q) storeu(du + (ci0 + r) * cout + co0 + q * kLanes, acc[r][q]);
}

// Rows ci in blocks of MR; rows are accumulated, so no block may overlap:
// the tail takes blocks of 4, 2 and 1 (a multiple of 16 channels needs at
// most one of them for MR = 6 or 12).
template <size_t MR, size_t NV>
void grad_rows(const float* v, size_t ldv, const float* dm, size_t ldm, float* du, size_t c, size_t cout, size_t nt,
               size_t co0) {
  size_t ci = 0;
  // 6 x 2 blocks over chunks of 36 tiles (the filter gradient's chunk on
  // ResNet's layers) with the tile loop unrolled: measured on Zen 3 AVX2
  // (batch 128, 1 thread) the filter gradient 0.98x (16 channels), 0.955x
  // (32), 0.99x (64).
  if constexpr (MR == 6 && NV == 2) {
    if (nt == 36)
      for (; ci + MR <= c; ci += MR) grad_block<MR, NV, 36>(v, ldv, dm, ldm, du, cout, nt, ci, co0);
  }
  for (; ci + MR <= c; ci += MR) grad_block<MR, NV>(v, ldv, dm, ldm, du, cout, nt, ci, co0);
  if constexpr (MR > 4) {
    for (; ci + 4 <= c; ci += 4) grad_block<4, NV>(v, ldv, dm, ldm, du, cout, nt, ci, co0);
  }
  if constexpr (MR > 2) {
    for (; ci + 2 <= c; ci += 2) grad_block<2, NV>(v, ldv, dm, ldm, du, cout, nt, ci, co0);
  }
  for (; ci < c; ++ci) grad_block<1, NV>(v, ldv, dm, ldm, du, cout, nt, ci, co0);
}

void grad(const float* v, size_t ldv, const float* dm, size_t ldm, float* du, size_t c, size_t cout, size_t nt) {
  const size_t vecs = cout / kLanes;
  size_t q = 0;
  for (; q + kWideNV <= vecs; q += kWideNV) grad_rows<max_mr<kWideNV>(), kWideNV>(v, ldv, dm, ldm, du, c, cout, nt, q * kLanes);
  switch (vecs - q) {
    case 3: grad_rows<max_mr<3>(), 3>(v, ldv, dm, ldm, du, c, cout, nt, q * kLanes); break;
    case 2: grad_rows<max_mr<2>(), 2>(v, ldv, dm, ldm, du, c, cout, nt, q * kLanes); break;
    case 1: grad_rows<max_mr<1>(), 1>(v, ldv, dm, ldm, du, c, cout, nt, q * kLanes); break;
    default: break;
  }
}

// o = A g for F(4x4, 3x3) (A = (A^T)^T, conv_winograd.h), one column or row of 4 -> 6.
inline void a6(const Vec* g, Vec* o) {
  const Vec s02 = add(g[0], g[2]), s13 = add(g[1], g[3]);
  const Vec p = fmadd(set1(4.0f), g[2], g[0]), q = mul(set1(2.0f), fmadd(set1(4.0f), g[3], g[1]));
  o[0] = g[0];
  o[1] = add(s02, s13);
  o[2] = sub(s02, s13);
  o[3] = add(p, q);
  o[4] = sub(p, q);
  o[5] = g[3];
}

// A dY A^T of one channel vector of one tile whose dY has rows x cols
// values inside the output (4 x 4, no checks, when Full), stored to the 36
// rows of out (`step` floats apart).
template <bool Full>
inline void dy_vector4(const float* d0, size_t row_floats, size_t cout, size_t rows, size_t cols, float* out,
                       size_t step) {
  two_pass<4, 6>(
      [&](int r, int s) {
        return Full || (static_cast<size_t>(r) < rows && static_cast<size_t>(s) < cols) ? loadu(d0 + r * row_floats + s * cout)
                                                                                           : zero();
      },
      [](const Vec* g, Vec* o) { a6(g, o); }, out, step);
}

// dM = A dY A^T of F(4x4, 3x3) tiles [t0, t0 + nt): dm[(k*chunk + i)*cout + co],
// dY zero outside the output.
void dy_transform4(const WinogradFilter& a, size_t t0, size_t nt, float* dm) {
  const WinogradTiles& g = a.in;
  const size_t step = a.chunk * a.cout, row_floats = g.ow * a.cout;
  for (size_t i = 0; i < nt; ++i) {
    const TilePos p = tile_pos(g, t0 + i);
    const size_t rows = g.oh - p.oy0 < 4 ? g.oh - p.oy0 : 4, cols = g.ow - p.ox0 < 4 ? g.ow - p.ox0 : 4;
    const float* d0 = a.dy + ((p.n * g.oh + p.oy0) * g.ow + p.ox0) * a.cout;
    float* out = dm + i * a.cout;
    if (rows == 4 && cols == 4) {
      for (size_t co = 0; co < a.cout; co += kLanes) dy_vector4<true>(d0 + co, row_floats, a.cout, 4, 4, out + co, step);
    } else {
      for (size_t co = 0; co < a.cout; co += kLanes) dy_vector4<false>(d0 + co, row_floats, a.cout, rows, cols, out + co, step);
    }
  }
}

template <size_t M>
void filter_tiles(const WinogradFilter& a) {
  const size_t c = a.in.c;
  each_chunk<M>(a, [&](size_t t, size_t nt, const float* v, float* dm) {
    if constexpr (M == 4) dy_transform4(a, t, nt, dm);
    else dy_transform(a, t, nt, dm);
    for (size_t k = 0; k < (M + 2) * (M + 2); ++k)
      grad(v + k * c, (M + 2) * (M + 2) * c, dm + k * a.chunk * a.cout, a.cout, a.du + k * c * a.cout, c, a.cout, nt);
  });
}

void filter(const WinogradFilter& a) {
  if (a.in.m == 4) filter_tiles<4>(a);
  else filter_tiles<2>(a);
}

}  // namespace

extern const ConvWinogradKernels kConvWinogradKernels = {kLanes, forward, filter};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

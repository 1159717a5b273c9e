// Winograd F(2x2, 3x3) / F(4x4, 3x3) driver (conv_winograd_path.h): the
// tile choice, filter transforms, the split of the tiles over threads, and
// the filter gradient's reduction.
#include "conv_winograd_path.h"

#include <algorithm>
#include <cstring>

#include "../../core/thread_pool.h"
#include "conv_winograd.h"

namespace simdtrain {
namespace {

// Forward / input gradient: the tiles are cut into this many ranges, each
// with its own chunk buffers (spread over the threads; per-tile results do
// not depend on the split).
constexpr size_t kSlots = 8;
// Filter gradient: partial dU sums of this many fixed tile ranges, added in order.
constexpr size_t kParts = 4;
// Floats of one chunk's buffers (V and M): about 192 KiB, cache-resident.
constexpr size_t kChunkFloats = size_t{48} << 10;

const ConvWinogradKernels& kernels() { return SIMDTRAIN_PICK(kConvWinogradKernels); }

bool shape_ok(const Conv2dShape& s) {
  return s.kh == 3 && s.kw == 3 && s.stride_h == 1 && s.stride_w == 1 && s.dil_h == 1 && s.dil_w == 1 && s.groups == 1;
}

// Output tile size forced by the tests (0: the rule of tile_size).
size_t g_forced_tile = 0;

// Tiles per chunk: a multiple of 12 (every register-block height divides it),
// the same on every ISA.
size_t chunk_tiles(size_t c, size_t cout, size_t taps) {
  const size_t n = kChunkFloats / (taps * (c + cout));
  return std::min<size_t>(240, std::max<size_t>(12, n / 12 * 12));
}

size_t chunk_floats(size_t c, size_t cout, size_t taps) { return chunk_tiles(c, cout, taps) * taps * (c + cout); }

// Filter gradient: every chunk reads and writes the part's whole dU (taps *
// c * cout floats, past L1 and for 64 channels past L2), so its chunks are
// at least kFilterChunk tiles (ResNet's 32- and 64-channel layers, 1
// thread: 12-tile chunks 142 / 148 GFLOPS, 36 tiles 172 / 190, 48 or 72
// tiles slower again). The sums run tile by tile in order whatever
// the chunk, so the bits do not depend on it.
constexpr size_t kFilterChunk = 36;

size_t filter_chunk_tiles(size_t c, size_t cout, size_t taps) {
  return std::max(chunk_tiles(c, cout, taps), kFilterChunk);
}

size_t filter_chunk_floats(size_t c, size_t cout, size_t taps) {
  return filter_chunk_tiles(c, cout, taps) * taps * (c + cout);
}

// F(4x4, 3x3)'s G (conv_winograd.h).
constexpr double kG4[6][3] = {{0.25, 0, 0},
                              {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                              {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                              {1.0 / 24, 1.0 / 12, 1.0 / 6},
                              {1.0 / 24, -1.0 / 12, 1.0 / 6},
                              {0, 0, 1}};

// Filters per block of the filter transforms: a block's taps are read and
// written as runs of kCoBlock consecutive floats (a tap's filters lie
// c * cout floats apart, often a power of two: filter by filter, the taps
// would all fall in one cache set).
constexpr size_t kCoBlock = 16;

// fn(g, nb, out, cc) for every block of filters (ci, co0 .. co0 + nb):
// g[i*3 + j][b] = tap(i, j, ci, co0 + b), out = u + ci * cout + co0, its
// transformed taps cc = c * cout floats apart.
template <class Tap, class Fn>
void each_filter(size_t c, size_t cout, float* u, Tap&& tap, Fn&& fn) {
  const size_t cc = c * cout;
  parallel_for(c, 8, [&](size_t b, size_t e) {
    for (size_t ci = b; ci < e; ++ci)
      for (size_t co0 = 0; co0 < cout; co0 += kCoBlock) {
        const size_t nb = std::min(kCoBlock, cout - co0);
        float g[9][kCoBlock];
        for (int i = 0; i < 3; ++i)
          for (int j = 0; j < 3; ++j)
            for (size_t q = 0; q < nb; ++q) g[i * 3 + j][q] = tap(i, j, ci, co0 + q);
        fn(g, nb, u + ci * cout + co0, cc);
      }
  });
}

// U[(k*c + ci)*cout + co] = (G g G^T)[k] with g[i][j] = tap(i, j, ci, co):
// 16 taps for m = 2, 36 for m = 4 (in double, rounded once).
template <class Tap>
void transform_filter(size_t m, size_t c, size_t cout, float* u, Tap&& tap) {
  if (m == 4) {
    return each_filter(c, cout, u, tap, [](const float (&g)[9][kCoBlock], size_t nb, float* out, size_t cc) {
      double t[6][3][kCoBlock];
      for (int r = 0; r < 6; ++r)
        for (int j = 0; j < 3; ++j)
          for (size_t b = 0; b < nb; ++b)
            t[r][j][b] = kG4[r][0] * g[j][b] + kG4[r][1] * g[3 + j][b] + kG4[r][2] * g[6 + j][b];
      for (int r = 0; r < 6; ++r)
        for (int q = 0; q < 6; ++q)
          for (size_t b = 0; b < nb; ++b)
            out[(r * 6 + q) * cc + b] =
                static_cast<float>(t[r][0][b] * kG4[q][0] + t[r][1][b] * kG4[q][1] + t[r][2][b] * kG4[q][2]);
    });
  }
  each_filter(c, cout, u, tap, [](const float (&g)[9][kCoBlock], size_t nb, float* out, size_t cc) {
    for (size_t b = 0; b < nb; ++b) {
      float t[4][3];
      for (int j = 0; j < 3; ++j) {
        t[0][j] = g[j][b];
        t[1][j] = 0.5f * (g[j][b] + g[3 + j][b] + g[6 + j][b]);
        t[2][j] = 0.5f * (g[j][b] - g[3 + j][b] + g[6 + j][b]);
        t[3][j] = g[6 + j][b];
      }
      for (int r = 0; r < 4; ++r) {
        out[(r * 4 + 0) * cc + b] = t[r][0];
        out[(r * 4 + 1) * cc + b] = 0.5f * (t[r][0] + t[r][1] + t[r][2]);
        out[(r * 4 + 2) * cc + b] = 0.5f * (t[r][0] - t[r][1] + t[r][2]);
        out[(r * 4 + 3) * cc + b] = t[r][2];
      }
    }
  });
}

// The output row blocks of ConvRowBlocks against the tiles: block k's rows
// lie in the tile rows whose tiles are [lo(k), hi(k)) (whole tile rows, a
// superset). The thread range whose tiles hold lo(k) owns block k when
// hi(k) is within its range: the forward hands it over after the chunk
// that reaches hi(k), the filter gradient writes it before the first chunk
// reading it; the rest (blocks across two ranges) after / before the pass.
struct RowBlocks {
  const ConvRowBlocks* b;
  size_t rows, oh, ow, m, th, tw;
  size_t count() const { return (rows + b->rows - 1) / b->rows; }
  size_t tile_row(size_t r) const { return (r / (oh * ow)) * th + (r % (oh * ow)) / ow / m; }
  size_t lo(size_t k) const { return tile_row(k * b->rows) * tw; }
  size_t hi(size_t k) const { return (tile_row(std::min(rows, (k + 1) * b->rows) - 1) + 1) * tw; }
  void run(size_t k) const { b->fn(b->ctx, k * b->rows, std::min(rows, (k + 1) * b->rows)); }
  // The first block with lo(k) >= t, from the first row of tile t's tile row.
  size_t first(size_t t) const {
    const size_t tr = t / tw, r = (tr / th) * oh * ow + std::min((tr % th) * m, oh) * ow;
    size_t k = std::min(count(), r / b->rows);
    while (k > 0 && lo(k - 1) >= t) --k;
    while (k < count() && lo(k) < t) ++k;
    return k;
  }
  // The blocks starting in tiles [t0, t1) whose tile rows reach past t1.
  void each_across(std::pair<size_t, size_t> range, size_t total) const {
    const auto [t0, t1] = range;
    if (t0 >= t1 || t1 == total) return;
    size_t k = first(t1);
    while (k > 0 && hi(k - 1) > t1) --k;
    for (; k < count() && lo(k) < t1; ++k)
      if (lo(k) >= t0 && hi(k) > t1) run(k);
  }
};

// Output tiles of a convolution of `batch` images by the transformed filter u.
void run_forward(const WinogradTiles& in, size_t batch, const float* u, size_t cout, const float* bias, bool relu,
                 bool accumulate, float* y, float* bufs, const ConvRowBlocks* blocks = nullptr) {
  const size_t total = batch * in.per_image(), chunk = chunk_tiles(in.c, cout, in.taps());
  const size_t per_slot = chunk_floats(in.c, cout, in.taps());
  const RowBlocks rb{blocks, batch * in.oh * in.ow, in.oh, in.ow, in.m, in.th(), in.tw()};
  const bool hand = blocks && blocks->rows && rb.rows;
  auto slot_range = [&](size_t slot) { return std::pair<size_t, size_t>{total * slot / kSlots, total * (slot + 1) / kSlots}; };
  parallel_for(kSlots, 1, [&](size_t b, size_t e) {
    for (size_t slot = b; slot < e; ++slot) {
      WinogradForward a{};
      a.in = in;
      a.u = u;
      a.cout = cout;
      a.bias = bias;
      a.relu = relu;
      a.accumulate = accumulate;
      a.y = y;
      const auto [t0, t1] = slot_range(slot);
      a.chunk = chunk;
      a.buf = bufs + slot * per_slot;
      if (t0 >= t1) continue;
      if (!hand) {
        a.t0 = t0, a.t1 = t1;
        kernels().forward(a);
        continue;
      }
      size_t k = rb.first(t0);  // lo and hi are nondecreasing in k
      for (size_t t = t0; t < t1; t += chunk) {
        a.t0 = t, a.t1 = std::min(t1, t + chunk);
        kernels().forward(a);
        for (; k < rb.count() && rb.lo(k) < t1 && rb.hi(k) <= a.t1; ++k) rb.run(k);
      }
    }
  });
  for (size_t slot = 0; hand && slot < kSlots; ++slot) rb.each_across(slot_range(slot), total);
}

WinogradTiles forward_tiles(const Conv2dShape& s, const float* x, const ConvInputAffine* pre) {
  WinogradTiles t{x, s.in_h, s.in_w, s.in_c, static_cast<long>(s.pad_top), static_cast<long>(s.pad_left), s.out_h(), s.out_w()};
  if (pre) t.pre_shift = pre->shift, t.pre_scale = pre->scale, t.pre_bias = pre->bias;
  return t;
}

size_t filter_floats(const Conv2dShape& s, size_t taps = kWinogradTaps) { return taps * s.in_c * s.out_c; }

// Output tile of the forward / input-gradient pass producing oh x ow:
// F(4x4, 3x3) (fewer multiplications, larger transforms) unless forced.
size_t tile_size(size_t oh, size_t ow) {
  if (g_forced_tile) return g_forced_tile;
  return oh >= 4 && ow >= 4 ? 4 : 2;
}

// Forward-pass workspace for tiles of m: [U][kSlots chunk buffers].
size_t forward_floats(const Conv2dShape& s, size_t m) {
  const size_t taps = (m + 2) * (m + 2);
  return filter_floats(s, taps) + kSlots * chunk_floats(s.in_c, s.out_c, taps);
}

}  // namespace

bool winograd_forward_ok(const Conv2dShape& s) {
  const size_t lanes = kernels().lanes;
  return shape_ok(s) && s.in_c % lanes == 0 && s.out_c % lanes == 0;
}
bool winograd_input_ok(const Conv2dShape& s) { return winograd_forward_ok(s); }
bool winograd_filter_ok(const Conv2dShape& s) { return winograd_forward_ok(s); }

void winograd_force_tile(size_t m) { g_forced_tile = m == 2 || m == 4 ? m : 0; }
size_t winograd_forward_tile(const Conv2dShape& s) { return tile_size(s.out_h(), s.out_w()); }
size_t winograd_input_tile(const Conv2dShape& s) { return tile_size(s.in_h, s.in_w); }

size_t winograd_workspace_floats(const Conv2dShape& s) {
  if (!shape_ok(s) || !s.batch) return 0;
  // Symmetric in the channels: the forward's sizes are also the input gradient's.
  size_t need = std::max(forward_floats(s, 2), forward_floats(s, 4));
  for (size_t taps : {kWinogradTaps, kWinogradTaps4})
    need = std::max(need, kParts * (filter_floats(s, taps) + filter_chunk_floats(s.in_c, s.out_c, taps)));
  return need;
}

// Workspace: [U][kSlots chunk buffers].
void winograd_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
                      float* workspace, const ConvInputAffine* pre, const ConvRowBlocks* blocks) {
  if (!s.batch) return;
  const size_t cin = s.in_c, cout = s.out_c;
  WinogradTiles in = forward_tiles(s, x, pre);
  in.m = winograd_forward_tile(s);
  float* u = workspace;
  transform_filter(in.m, cin, cout, u,
                   [&](int i, int j, size_t ci, size_t co) { return w[((i * 3 + j) * cin + ci) * cout + co]; });
  run_forward(in, s.batch, u, cout, bias, act == Activation::relu, false, y, workspace + filter_floats(s, in.taps()),
              blocks);
}

// dx is the convolution of dy, padded by 2 - pad on each side, with the
// filter flipped and its channels swapped (added to dx at the output
// transform's store when accumulate). Workspace as the forward's.
void winograd_backward_input(const Conv2dShape& s, const float* w, const float* dy, float* dx, float* workspace,
                             bool accumulate, const ConvRowBlocks* blocks) {
  if (!s.batch) return;
  const size_t cin = s.in_c, cout = s.out_c;
  WinogradTiles in{dy, s.out_h(), s.out_w(), cout, 2 - static_cast<long>(s.pad_top), 2 - static_cast<long>(s.pad_left),
                   s.in_h, s.in_w};
  in.m = winograd_input_tile(s);
  float* u = workspace;
  transform_filter(in.m, cout, cin, u, [&](int i, int j, size_t co, size_t ci) {
    return w[(((2 - i) * 3 + (2 - j)) * cin + ci) * cout + co];
  });
  run_forward(in, s.batch, u, cin, nullptr, false, accumulate, dx, workspace + filter_floats(s, in.taps()), blocks);
}

namespace {
// dw (+)= G^T dU G of the filters (ci, co0 .. co0 + nb) from their
// transformed taps m[r*N + q][b].
template <size_t N>
void store_filter_grad(const double (&m)[N * N][kCoBlock], size_t nb, float* dw, size_t cin, size_t cout, size_t ci,
                       size_t co0, bool accumulate);

template <>
void store_filter_grad<4>(const double (&m)[16][kCoBlock], size_t nb, float* dw, size_t cin, size_t cout, size_t ci,
                          size_t co0, bool accumulate) {
  for (size_t b = 0; b < nb; ++b) {
    float t[3][4];
    for (int j = 0; j < 4; ++j) {
      const float m0 = static_cast<float>(m[j][b]), m1 = static_cast<float>(m[4 + j][b]),
                  m2 = static_cast<float>(m[8 + j][b]), m3 = static_cast<float>(m[12 + j][b]);
      t[0][j] = m0 + 0.5f * (m1 + m2);
      t[1][j] = 0.5f * (m1 - m2);
      t[2][j] = 0.5f * (m1 + m2) + m3;
    }
    for (int i = 0; i < 3; ++i) {
      const float g[3] = {t[i][0] + 0.5f * (t[i][1] + t[i][2]), 0.5f * (t[i][1] - t[i][2]),
                          0.5f * (t[i][1] + t[i][2]) + t[i][3]};
      for (int j = 0; j < 3; ++j) {
        float& out = dw[((i * 3 + j) * cin + ci) * cout + co0 + b];
        out = accumulate ? out + g[j] : g[j];
      }
    }
  }
}

template <>
void store_filter_grad<6>(const double (&m)[36][kCoBlock], size_t nb, float* dw, size_t cin, size_t cout, size_t ci,
                          size_t co0, bool accumulate) {
  double t[3][6][kCoBlock];  // G^T dU
  for (int i = 0; i < 3; ++i)
    for (int q = 0; q < 6; ++q)
      for (size_t b = 0; b < nb; ++b) {
        double v = 0;
        for (int r = 0; r < 6; ++r) v += kG4[r][i] * m[r * 6 + q][b];
        t[i][q][b] = v;
      }
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      float* out = dw + ((i * 3 + j) * cin + ci) * cout + co0;
      for (size_t b = 0; b < nb; ++b) {
        double v = 0;
        for (int q = 0; q < 6; ++q) v += t[i][q][b] * kG4[q][j];
        out[b] = accumulate ? out[b] + static_cast<float>(v) : static_cast<float>(v);
      }
    }
}

// dU = the parts in order (float sums, as the parts were accumulated), then
// dg; kCoBlock filters at a time, each tap read as one run (see kCoBlock).
template <size_t N>
void finish_filter_grad(const float* du, size_t un, size_t cin, size_t cout, float* dw, bool accumulate) {
  const size_t cc = cin * cout;
  parallel_for(cin, 4, [&](size_t b, size_t e) {
    for (size_t ci = b; ci < e; ++ci)
      for (size_t co0 = 0; co0 < cout; co0 += kCoBlock) {
        const size_t nb = std::min(kCoBlock, cout - co0);
        double m[N * N][kCoBlock];
        for (size_t k = 0; k < N * N; ++k) {
          const float* at = du + k * cc + ci * cout + co0;
          for (size_t q = 0; q < nb; ++q) {
            float v = at[q];
            for (size_t part = 1; part < kParts; ++part) v += at[part * un + q];
            m[k][q] = v;
          }
        }
        store_filter_grad<N>(m, nb, dw, cin, cout, ci, co0, accumulate);
      }
  });
}

}  // namespace

// Workspace: [kParts partial dU][kParts chunk buffers].
void winograd_backward_filter(const Conv2dShape& s, const float* x, const float* dy, float* dw, bool accumulate,
                              float* workspace, const ConvInputAffine* pre, const ConvRowBlocks* dy_blocks) {
  if (!s.batch) {
    if (!accumulate) std::memset(dw, 0, s.w_size() * sizeof(float));
    return;
  }
  const size_t cin = s.in_c, cout = s.out_c;
  WinogradTiles in = forward_tiles(s, x, pre);
  in.m = winograd_forward_tile(s);
  const size_t un = filter_floats(s, in.taps());
  const size_t total = s.batch * in.per_image(), chunk = filter_chunk_tiles(cin, cout, in.taps());
  const size_t per = filter_chunk_floats(cin, cout, in.taps());
  float* du = workspace;
  float* bufs = workspace + kParts * un;
  std::memset(du, 0, kParts * un * sizeof(float));
  // dy on demand: the blocks whose tile rows cross two parts first; then
  // each part writes the blocks it alone reads just before the chunk that
  // first reads them (chunk by chunk: the same per-part sums).
  const RowBlocks rb{dy_blocks, s.batch * in.oh * in.ow, in.oh, in.ow, in.m, in.th(), in.tw()};
  const bool hand = dy_blocks && dy_blocks->rows && rb.rows;
  auto part_range = [&](size_t part) { return std::pair<size_t, size_t>{total * part / kParts, total * (part + 1) / kParts}; };
  for (size_t part = 0; hand && part < kParts; ++part) rb.each_across(part_range(part), total);
  parallel_for(kParts, 1, [&](size_t b, size_t e) {
    for (size_t part = b; part < e; ++part) {
      WinogradFilter a{};
      a.in = in;
      a.dy = dy;
      a.cout = cout;
      a.du = du + part * un;
      const auto [t0, t1] = part_range(part);
      a.chunk = chunk;
      a.buf = bufs + part * per;
      if (t0 >= t1) continue;
      if (!hand) {
        a.t0 = t0, a.t1 = t1;
        kernels().filter(a);
        continue;
      }
      size_t k = rb.first(t0);
      for (size_t t = t0; t < t1; t += chunk) {
        a.t0 = t, a.t1 = std::min(t1, t + chunk);
        for (; k < rb.count() && rb.lo(k) < a.t1; ++k)
          if (rb.hi(k) <= t1) rb.run(k);
        kernels().filter(a);
      }
    }
  });
  if (in.m == 4) finish_filter_grad<6>(du, un, cin, cout, dw, accumulate);
  else finish_filter_grad<4>(du, un, cin, cout, dw, accumulate);
}

}  // namespace simdtrain

// The ReLU + max-pool fusion's inner loops (relu_maxpool_table.h), written
// once over the SIMD abstraction; the build compiles this file once per ISA.
// Vectors run over channels; tails are masked loads / stores.
#include <type_traits>

#include "../../simd/target.h"
#include "relu_maxpool_table.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

void window(const float* base, size_t row_stride, size_t ny, size_t nx, size_t c, float* out, float* code) {
  const Vec none = set1(-1.0f);
  for_each_chunk(c, [&](size_t ch, auto chunk) {
    Vec best = chunk.load(base + ch), at = zero();
    float k = 0.0f;  // the window index, exact below 2^24
    for (size_t i = 0; i < ny; ++i)
      for (size_t j = 0; j < nx; ++j, k += 1.0f) {
        const Vec v = chunk.load(base + i * row_stride + j * c + ch), kv = set1(k);
        const Mask gt = cmp_gt(v, best), nan = cmp_unord(v, v);
        best = select(gt, v, best), at = select(gt, kv, at);
        best = select(nan, v, best), at = select(nan, kv, at);
      }
    chunk.store(out + ch, best);
    chunk.store(code + ch, select(cmp_gt(best, zero()), at, none));
  });
}

// Channels [ch, ch + G vectors) (or the tail) of every row, rows in order:
// dz = 0 + dy where the pixel's window index equals the code, else +0; the
// sums add every dz written.
template <size_t G, bool kSums, class Chunk>
void grad_group(const Pool2dShape& s, size_t ch, Chunk chunk, const float* code, const float* dy, float* dz, float* sums,
                bool accumulate) {
  const size_t c = s.c, oh = s.out_h(), ow = s.out_w();
  const Vec none = zero();
  Vec acc[G];
  for (size_t q = 0; q < G; ++q) acc[q] = kSums && accumulate ? chunk.load(sums + ch + q * kLanes) : zero();
  for (size_t n = 0; n < s.batch; ++n)
    for (size_t iy = 0; iy < s.in_h; ++iy) {
      float* row = dz + (n * s.in_h + iy) * s.in_w * c + ch;
      const size_t oy = iy / s.kh;
      size_t ix = 0;
      if (oy < oh) {
        const size_t at = ((n * oh + oy) * ow) * c + ch;
        float k = static_cast<float>((iy - oy * s.kh) * s.kw);
        for (size_t ox = 0; ox < ow; ++ox) {
          const float* cp = code + at + ox * c;
          const float* gp = dy + at + ox * c;
          for (size_t j = 0; j < s.kw; ++j, ++ix) {
            const Vec kv = set1(k + static_cast<float>(j));
            for (size_t q = 0; q < G; ++q) {
              const Vec g = select(cmp_eq(chunk.load(cp + q * kLanes), kv), add(zero(), chunk.load(gp + q * kLanes)), none);
              chunk.store(row + ix * c + q * kLanes, g);
              if (kSums) acc[q] = add(acc[q], g);
            }
          }
        }
      }
      for (; ix < s.in_w; ++ix)  // columns (or a whole row) past the last window
        for (size_t q = 0; q < G; ++q) {
          chunk.store(row + ix * c + q * kLanes, none);
          if (kSums) acc[q] = add(acc[q], none);
        }
    }
  if (kSums)
    for (size_t q = 0; q < G; ++q) chunk.store(sums + ch + q * kLanes, acc[q]);
}

template <bool kSums>
void grad_t(const Pool2dShape& s, size_t cols, const float* code, const float* dy, float* dz, float* sums, bool accumulate) {
  size_t ch = 0;
  for (; ch + 8 * kLanes <= cols; ch += 8 * kLanes) grad_group<8, kSums>(s, ch, FullChunk{}, code, dy, dz, sums, accumulate);
  for (; ch + 4 * kLanes <= cols; ch += 4 * kLanes) grad_group<4, kSums>(s, ch, FullChunk{}, code, dy, dz, sums, accumulate);
  for (; ch + kLanes <= cols; ch += kLanes) grad_group<1, kSums>(s, ch, FullChunk{}, code, dy, dz, sums, accumulate);
  if (ch < cols) grad_group<1, kSums>(s, ch, TailChunk{cols - ch}, code, dy, dz, sums, accumulate);
}

void grad(const Pool2dShape& s, size_t cols, const float* code, const float* dy, float* dz, float* sums, bool accumulate) {
  if (sums) grad_t<true>(s, cols, code, dy, dz, sums, accumulate);
  else grad_t<false>(s, cols, code, dy, dz, nullptr, false);
}

}  // namespace

extern const ReluMaxpoolKernels kReluMaxpoolKernels = {window, grad};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

// The bf16 emulation's sums, vectorized across columns of C (each lane one
// element, summed in the scalar emulation's order: same bits on every ISA).
// Columns go in blocks of 4 vectors (four independent chains hide the
// add latency); the block loop is outside the row loop, so a k x 4·lanes
// slice of B stays in cache while the rows stream past it.
#include "../../simd/target.h"

#include <cfloat>

#include "bf16_emulate_table.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

// s + p, then a denormal result becomes zero of the same sign (the
// instructions flush denormal sums). NaN and infinities pass.
inline Vec add_flush(Vec s, Vec p) {
  const Vec x = add(s, p);
  const Vec signed_zero = bitcast_f(iand(bitcast_i(x), iset1(0x80000000u)));
  return select(cmp_lt(abs(x), set1(FLT_MIN)), signed_zero, x);
}

// `kVecs` vectors of columns [j, j + kVecs·lanes) (the last one `chunk`,
// which may be a tail) of rows [i0, i1).
template <size_t kVecs, class Chunk>
void column_block(const float* a, const float* b, size_t i0, size_t i1, size_t n, size_t k, size_t first, size_t j,
                  Chunk last, float* sums) {
  for (size_t i = i0; i < i1; ++i) {
    const float* ar = a + i * k;
    Vec acc[kVecs];
    for (size_t u = 0; u < kVecs; ++u) acc[u] = zero();
    auto term = [&](size_t q) {
      const Vec av = set1(ar[q]);
      const float* br = b + q * n + j;
      for (size_t u = 0; u + 1 < kVecs; ++u) acc[u] = add_flush(acc[u], mul(av, loadu(br + u * kLanes)));
      acc[kVecs - 1] = add_flush(acc[kVecs - 1], mul(av, last.load(br + (kVecs - 1) * kLanes)));
    };
    for (size_t p = 0; p < k; p += 2) {
      if (p + first < k) term(p + first);
      if (p + 1 - first < k) term(p + 1 - first);
    }
    float* out = sums + (i - i0) * n + j;
    for (size_t u = 0; u + 1 < kVecs; ++u) storeu(out + u * kLanes, acc[u]);
    last.store(out + (kVecs - 1) * kLanes, acc[kVecs - 1]);
  }
}

void emulate_sums(const float* a, const float* b, size_t i0, size_t i1, size_t n, size_t k, size_t first, float* sums) {
  constexpr size_t kBlock = 4 * kLanes;
  size_t j = 0;
  for (; j + kBlock <= n; j += kBlock) column_block<4>(a, b, i0, i1, n, k, first, j, FullChunk{}, sums);
  for (; j + kLanes <= n; j += kLanes) column_block<1>(a, b, i0, i1, n, k, first, j, FullChunk{}, sums);
  if (j < n) column_block<1>(a, b, i0, i1, n, k, first, j, TailChunk{n - j}, sums);
}

}  // namespace

extern const Bf16EmulateKernels kBf16EmulateKernels = {emulate_sums};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

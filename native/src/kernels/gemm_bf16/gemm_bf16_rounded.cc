// The `emulate` path: op(A) and op(B) rounded to bf16 (bf16.h) into fp32
// copies, then the ordinary fp32 GEMM (sgemm) on the copies. A product of two
// bf16 values is exact in fp32 (8 + 8 significant bits), so a fused or
// separate multiply-add gives the same sum term, and the result has the bf16
// paths' rounding semantics (bf16 inputs, fp32 accumulation) at fp32 GEMM
// speed. Its summation order is the fp32 GEMM's (k in order inside a K block,
// K blocks added in order), not the pair order of VDPBF16PS / TDPBF16PS, and
// it does not flush denormal sums: docs/bf16.md. The exact sequential
// emulation of the instructions stays gemm_bf16_emulate (the tests' reference
// for the hardware paths).
#include <cstdint>
#include <cstring>
#include <memory>

#include "../../core/thread_pool.h"
#include "gemm_bf16.h"

namespace simdtrain {
namespace {

// bf16_round (bf16.h) on the bits, without branches so the loop vectorizes:
// NaN -> quiet NaN (top payload kept), zero and denormals -> signed zero,
// else round to nearest even.
inline uint32_t round_bits(uint32_t u) {
  const uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
  const uint32_t quiet = (u | 0x00400000u) & 0xffff0000u;
  const uint32_t sign = u & 0x80000000u;
  const uint32_t r = (u & 0x7f800000u) == 0 ? sign : rounded;
  return static_cast<int32_t>(u & 0x7fffffffu) > 0x7f800000 ? quiet : r;
}

// (__restrict lets the compiler vectorize the loop: measured, without it
// this stayed scalar.)
void round_row(const float* __restrict s, float* __restrict d, size_t cols) {
  for (size_t c = 0; c < cols; ++c) {
    uint32_t u;
    std::memcpy(&u, s + c, 4);
    u = round_bits(u);
    std::memcpy(d + c, &u, 4);
  }
}

// dst (rows x cols, dense) = bf16_round of the stored src (leading dim ld).
void round_matrix(const float* src, size_t rows, size_t cols, size_t ld, float* dst) {
  const size_t grain = cols >= 8192 ? 1 : 8192 / cols;
  parallel_for(rows, grain, [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r) round_row(src + r * ld, dst + r * cols, cols);
  });
}

}  // namespace

void gemm_bf16_rounded(const GemmArgs& g) {
  const size_t a_rows = g.trans_a ? g.k : g.m, a_cols = g.trans_a ? g.m : g.k;
  const size_t b_rows = g.trans_b ? g.n : g.k, b_cols = g.trans_b ? g.k : g.n;
  std::unique_ptr<float[]> a(new float[a_rows * a_cols]), b(new float[b_rows * b_cols]);
  round_matrix(g.a, a_rows, a_cols, g.lda, a.get());
  round_matrix(g.b, b_rows, b_cols, g.ldb, b.get());
  GemmArgs f = g;
  f.a = a.get();
  f.lda = a_cols;
  f.b = b.get();
  f.ldb = b_cols;
  f.precision = Precision::fp32;
  sgemm(f);
}

}  // namespace simdtrain

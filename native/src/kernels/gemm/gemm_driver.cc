// The GEMM driver (ISA-independent): Goto/BLIS cache blocking around the
// per-ISA macro-kernel, plus the small-matrix path and the threading.
//
// Loops, outermost first (mc/kc/nc/mr/nr from the active ISA's table):
//   ic over M by MC       rows of the packed A block (L3)
//     pc over K by KC     pack A[ic, pc] into MR-row panels
//       jc over N by NC   pack B[pc, jc] into NR-column panels (L2)
//         macro-kernel:   ir over MC by MR (A micro-panel stays in L1)
//                           jr over NC by NR (B micro-panels stream from L2)
// beta applies on the first pc block only (later blocks accumulate) and the
// bias/ReLU epilogue on the last, so C is read and written once per K block.
#include <algorithm>
#include <cstdint>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>

#include "../../core/thread_pool.h"
#include "../gemm_bf16/gemm_bf16.h"
#include "gemm.h"
#include "gemm_buffers.h"
#include "gemm_table.h"

namespace simdtrain {
namespace {

// Below this many multiply-adds (m*n*k) one thread is as fast as two: the
// pool hand-off eats the gain. Measured on Zen 5 with two free cores and
// workers that spin 100 us between jobs (thread_pool.cc): 128x128x128 (2 M)
// 195 -> 263 GFLOPS, 128x128x256 198 -> 323, 96^3 (0.9 M) 197 -> 248, but
// 64x64x128 (0.5 M) 200 -> 142 and 64^3 194 -> 86.
constexpr double kMinParallelWork = 1e6;
// When every A micro-panel meets at most this many B micro-panels, packing A
// costs more than it saves and the kernel reads A in place (measured: MLP
// output layers such as 128x128 * 128x10).
constexpr size_t kInPlaceAMaxPanels = 4;
// Up to this many rows (M), op(B) = B is not packed either: it is read by so
// few A row panels that packing costs more than the strided reads (measured:
// 128x784 * 784x256 +9 %, 100x1000 * 1000x1000 +12 %; 512^2 no gain).
constexpr size_t kInPlaceBMaxRows = 256;

const GemmKernels& kernels() { return SIMDTRAIN_PICK(kGemmKernels); }

size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

// Largest step <= `limit` (a multiple of `unit`) that splits n into equal-ish blocks.
size_t balanced(size_t n, size_t limit, size_t unit) {
  const size_t blocks = (n + limit - 1) / limit;
  return round_up((n + blocks - 1) / blocks, unit);
}

// One thread's share: the whole Goto loop nest on an independent block of C
// (of Cᵀ when trans_c: see transposed()).
void run_block(const GemmKernels& kern, const GemmArgs& g, bool trans_c) {
  const GemmBlocking& bl = kern.blocking;
  GemmThreadBuffers& buf = gemm_thread_buffers();
  const size_t kc_max = std::min(g.k, bl.kc);
  // (A transposed-C block reads its A, at most TC_MR rows, in place too.)
  const bool a_in_place = trans_c || round_up(g.n, bl.nr) / bl.nr <= kInPlaceAMaxPanels;
  // Small products read op(B) = B in place as well (no packing at all).
  // op(B) = B is read in place (no packing at all) by small products and by
  // short, wide ones: with few row panels, packing B costs more than the
  // strided reads it saves.
  const bool b_in_place = (a_in_place || g.m <= kInPlaceBMaxRows) && !g.trans_b;
  float* pa = a_in_place ? nullptr : buf.a.get(round_up(std::min(g.m, bl.mc), bl.mr) * kc_max);
  float* pb = b_in_place ? nullptr : buf.b.get(round_up(std::min(g.n, bl.nc), bl.nr) * kc_max);
  float* scratch = a_in_place && !trans_c ? buf.scratch.get(bl.mr * kc_max) : nullptr;  // partial A panels
  float* scratch_b = b_in_place && !bl.cheap_partial_loads ? buf.scratch_b.get(bl.nr * kc_max) : nullptr;
  // Strides of op(A) and op(B) in (row, depth) / (depth, column) order.
  const size_t a_rs = g.trans_a ? 1 : g.lda, a_cs = g.trans_a ? g.lda : 1;
  const size_t b_rs = g.trans_b ? 1 : g.ldb, b_cs = g.trans_b ? g.ldb : 1;
  const bool relu = g.epilogue.activation == Activation::relu;

  // Equal blocks: K = 784 runs as 3 x 262, not 384 + 384 + 16 (a thin last
  // block pays a full C read/write for little work).
  const size_t kc_step = balanced(g.k, bl.kc, 1);
  const size_t nc_step = balanced(g.n, bl.nc, bl.nr);
  for (size_t ic = 0; ic < g.m; ic += bl.mc) {
    const size_t mc = std::min(bl.mc, g.m - ic);
    for (size_t pc = 0; pc < g.k; pc += kc_step) {
      const size_t kc = std::min(kc_step, g.k - pc);
      const bool first = pc == 0, last = pc + kc == g.k;
      const float* a_block = g.a + ic * a_rs + pc * a_cs;
      if (!a_in_place) kern.pack_a(g.trans_a, a_block, g.lda, mc, kc, pa);
      for (size_t jc = 0; jc < g.n; jc += nc_step) {
        const size_t nc = std::min(nc_step, g.n - jc);
        const float* b_block = g.b + pc * b_rs + jc * b_cs;
        if (!b_in_place) kern.pack_b(g.trans_b, b_block, g.ldb, kc, nc, pb);
        GemmBlock blk;
        blk.mc = mc;
        blk.nc = nc;
        blk.kc = kc;
        blk.a = a_in_place ? a_block : pa;
        blk.a_rs = a_rs;
        blk.a_cs = a_cs;
        blk.a_packed = !a_in_place;
        blk.b = b_in_place ? b_block : pb;
        blk.b_rs = g.ldb;
        blk.b_packed = !b_in_place;
        blk.c = trans_c ? g.c + jc * g.ldc + ic : g.c + ic * g.ldc + jc;
        blk.ldc = g.ldc;
        blk.alpha = g.alpha;
        blk.beta = first ? g.beta : 1.0f;
        blk.bias = last && g.epilogue.bias ? g.epilogue.bias + (trans_c ? ic : jc) : nullptr;
        blk.trans_c = trans_c;
        blk.relu = last && relu;
        blk.scratch = scratch;
        blk.scratch_b = scratch_b;
        kern.macro_kernel(blk);
      }
    }
  }
}

// The sub-problem computing C[i0:i1, j0:j1] (of Cᵀ when trans_c).
GemmArgs sub_problem(const GemmArgs& g, bool trans_c, size_t i0, size_t i1, size_t j0, size_t j1) {
  GemmArgs s = g;
  s.m = i1 - i0;
  s.n = j1 - j0;
  s.a = g.a + (g.trans_a ? i0 : i0 * g.lda);
  s.b = g.b + (g.trans_b ? j0 * g.ldb : j0);
  s.c = trans_c ? g.c + j0 * g.ldc + i0 : g.c + i0 * g.ldc + j0;
  if (g.epilogue.bias) s.epilogue.bias = g.epilogue.bias + (trans_c ? i0 : j0);
  return s;
}

// Splits [0, n) into `parts` ranges on multiples of `unit`; returns range t.
void split(size_t n, size_t unit, size_t parts, size_t t, size_t* begin, size_t* end) {
  const size_t units = (n + unit - 1) / unit;
  *begin = std::min(n, units * t / parts * unit);
  *end = std::min(n, units * (t + 1) / parts * unit);
}

void run_threaded(const GemmKernels& kern, const GemmArgs& g, bool trans_c, size_t threads) {
  const GemmBlocking& bl = kern.blocking;
  const size_t row_unit = trans_c ? bl.tc_mr : bl.mr;  // rows of one register tile
  // Choose the tm x tn grid (tm * tn = threads) with the smallest largest
  // block, counted in whole register tiles; on a tie split M (more tm): each
  // thread then packs only its own rows of A (the strided, costlier packing)
  // and copies B with plain vector loads. Measured with two threads: 2048^2
  // 300 -> 322 GFLOPS, 1536^2 300 -> 351 against splitting N.
  size_t best_tm = 1, best_cost = SIZE_MAX;
  for (size_t tm = 1; tm <= threads; ++tm) {
    if (threads % tm) continue;
    const size_t tn = threads / tm;
    const size_t rows = (g.m + row_unit - 1) / row_unit, cols = (g.n + bl.nr - 1) / bl.nr;
    if (rows < tm || cols < tn) continue;
    const size_t cost = ((rows + tm - 1) / tm) * ((cols + tn - 1) / tn);
    if (cost <= best_cost) best_cost = cost, best_tm = tm;
  }
  if (best_cost == SIZE_MAX) return run_block(kern, g, trans_c);
  const size_t tm = best_tm, tn = threads / tm;
  std::exception_ptr error;
  std::mutex error_mutex;
  run_parallel(threads, [&](size_t t) {
    size_t i0, i1, j0, j1;
    split(g.m, row_unit, tm, t / tn, &i0, &i1);
    split(g.n, bl.nr, tn, t % tn, &j0, &j1);
    if (i0 >= i1 || j0 >= j1) return;
    try {
      run_block(kern, sub_problem(g, trans_c, i0, i1, j0, j1), trans_c);
    } catch (...) {  // never let an exception escape a pool thread
      std::lock_guard<std::mutex> lock(error_mutex);
      error = std::current_exception();
    }
  });
  if (error) std::rethrow_exception(error);
}

// Narrow products (op(B) = B, N below one vector: a 10-class output layer's
// X·W and Xᵀ·dY) leave most lanes of a one-vector tile idle. Computing
// Cᵀ = Bᵀ·op(A)ᵀ instead puts the vectors along M and the kernel stores its
// tiles transposed: for op(A) = Aᵀ the rows of A are read in place, for
// op(A) = A they are packed with in-register transposes. Same products in the
// same order, so the same bits. Needs masked loads for the edges.
bool use_transposed(const GemmBlocking& bl, const GemmArgs& g) {
  const size_t lanes = bl.nr / bl.nv;
  return !g.trans_b && bl.cheap_partial_loads && g.n < lanes && g.m >= bl.nr;
}

// The problem Cᵀ = op(B)ᵀ·op(A)ᵀ, written into C transposed (run with trans_c).
GemmArgs transposed(const GemmArgs& g) {
  GemmArgs t = g;
  t.m = g.n, t.n = g.m;
  t.a = g.b, t.lda = g.ldb, t.trans_a = !g.trans_b;
  t.b = g.a, t.ldb = g.lda, t.trans_b = !g.trans_a;
  return t;
}

}  // namespace

bool gemm_span(size_t rows, size_t cols, size_t ld, size_t* out) {
  if (rows == 0 || cols == 0) {
    *out = 0;
    return true;
  }
  size_t span;
  if (__builtin_mul_overflow(rows - 1, ld, &span) || __builtin_add_overflow(span, cols, &span)) return false;
  *out = span;
  return true;
}

const char* gemm_check(const GemmArgs& g) {
  if (g.lda < std::max<size_t>(1, g.trans_a ? g.m : g.k)) return "lda is smaller than a stored row of A";
  if (g.ldb < std::max<size_t>(1, g.trans_b ? g.k : g.n)) return "ldb is smaller than a stored row of B";
  if (g.ldc < std::max<size_t>(1, g.n)) return "ldc is smaller than a row of C";
  if (g.m && g.n && !g.c) return "c is null";
  if (g.m && g.n && g.k && g.alpha != 0.0f && (!g.a || !g.b)) return "a or b is null";
  return nullptr;
}

void sgemm(const GemmArgs& g) {
  if (const char* problem = gemm_check(g)) throw std::invalid_argument(std::string("sgemm: ") + problem);
  if (g.m == 0 || g.n == 0) return;
  if (g.precision == Precision::bf16 && sgemm_bf16_on(bf16_active_path(), g)) return;  // false when bf16 is off
  const GemmKernels& kern = kernels();
  if (g.k == 0 || g.alpha == 0.0f) {
    kern.scale_c(g.m, g.n, g.c, g.ldc, g.beta, g.epilogue.bias, g.epilogue.activation == Activation::relu);
    return;
  }
  const bool trans_c = use_transposed(kern.blocking, g);
  const GemmArgs& p = trans_c ? transposed(g) : g;
  const size_t threads = static_cast<size_t>(get_num_threads());
  const double work = static_cast<double>(g.m) * g.n * g.k;
  if (threads > 1 && work >= kMinParallelWork) {
    run_threaded(kern, p, trans_c, threads);
  } else {
    run_block(kern, p, trans_c);
  }
}

}  // namespace simdtrain

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
#include <stdexcept>
#include <string>

#include "../../core/thread_pool.h"
#include "../gemm_bf16/gemm_bf16.h"
#include "gemm.h"
#include "gemm_buffers.h"
#include "gemm_loops.h"
#include "gemm_table.h"
#include "gemm_threading.h"

namespace simdtrain {
namespace {

// When every A micro-panel meets at most this many B micro-panels, packing A
// costs more than it saves and the kernel reads A in place (measured: MLP
// output layers such as 128x128 * 128x10).
constexpr size_t kInPlaceAMaxPanels = 4;
// Up to this many rows (M), op(B) = B is not packed either: it is read by so
// few A row panels that packing costs more than the strided reads (measured:
// 128x784 * 784x256 +9 %, 100x1000 * 1000x1000 +12 %; 512^2 no gain).
constexpr size_t kInPlaceBMaxRows = 256;

const GemmKernels& kernels() { return SIMDTRAIN_PICK(kGemmKernels); }

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

GemmPlan gemm_plan(const GemmBlocking& bl, const GemmArgs& g, bool trans_c) {
  GemmPlan p;
  p.trans_c = trans_c;
  // (A transposed-C block reads its A, at most TC_MR rows, in place too.)
  p.a_in_place = trans_c || gemm_round_up(g.n, bl.nr) / bl.nr <= kInPlaceAMaxPanels;
  // op(B) = B is read in place (no packing at all) by small products and by
  // short, wide ones: with few row panels, packing B costs more than the
  // strided reads it saves.
  p.b_in_place = (p.a_in_place || g.m <= kInPlaceBMaxRows) && !g.trans_b;
  // Equal blocks: K = 784 runs as 3 x 262, not 384 + 384 + 16 (a thin last
  // block pays a full C read/write for little work).
  p.kc_step = gemm_balanced(g.k, bl.kc, 1);
  return p;
}

GemmBlock gemm_block(const GemmArgs& g, const GemmPlan& plan, size_t i0, size_t mc, size_t j0, size_t nc, size_t pc,
                     size_t kc, const float* a, const float* b) {
  const bool first = pc == 0, last = pc + kc == g.k;
  GemmBlock blk;
  blk.mc = mc;
  blk.nc = nc;
  blk.kc = kc;
  blk.a = a;
  blk.a_rs = g.trans_a ? 1 : g.lda;
  blk.a_cs = g.trans_a ? g.lda : 1;
  blk.a_packed = !plan.a_in_place;
  blk.b = b;
  blk.b_rs = g.ldb;
  blk.b_packed = !plan.b_in_place;
  blk.c = plan.trans_c ? g.c + j0 * g.ldc + i0 : g.c + i0 * g.ldc + j0;
  blk.ldc = g.ldc;
  blk.alpha = g.alpha;
  blk.beta = first ? g.beta : 1.0f;
  blk.bias = last && g.epilogue.bias ? g.epilogue.bias + (plan.trans_c ? i0 : j0) : nullptr;
  blk.trans_c = plan.trans_c;
  blk.relu = last && g.epilogue.activation == Activation::relu;
  blk.scratch = nullptr;
  blk.scratch_b = nullptr;
  return blk;
}

GemmArgs gemm_sub_problem(const GemmArgs& g, bool trans_c, size_t i0, size_t i1, size_t j0, size_t j1) {
  GemmArgs s = g;
  s.m = i1 - i0;
  s.n = j1 - j0;
  s.a = g.a + (g.trans_a ? i0 : i0 * g.lda);
  s.b = g.b + (g.trans_b ? j0 * g.ldb : j0);
  s.c = trans_c ? g.c + j0 * g.ldc + i0 : g.c + i0 * g.ldc + j0;
  if (g.epilogue.bias) s.epilogue.bias = g.epilogue.bias + (trans_c ? i0 : j0);
  return s;
}

void gemm_run_block(const GemmKernels& kern, const GemmArgs& g, const GemmPlan& plan) {
  const GemmBlocking& bl = kern.blocking;
  GemmThreadBuffers& buf = gemm_thread_buffers();
  const size_t kc_max = std::min(g.k, plan.kc_step);
  const bool a_in_place = plan.a_in_place, b_in_place = plan.b_in_place;
  float* pa = a_in_place ? nullptr : buf.a.get(gemm_round_up(std::min(g.m, bl.mc), bl.mr) * kc_max);
  float* pb = b_in_place ? nullptr : buf.b.get(gemm_round_up(std::min(g.n, bl.nc), bl.nr) * kc_max);
  float* scratch = a_in_place && !plan.trans_c ? buf.scratch.get(bl.mr * kc_max) : nullptr;  // partial A panels
  float* scratch_b = b_in_place && !bl.cheap_partial_loads ? buf.scratch_b.get(bl.nr * kc_max) : nullptr;
  // Strides of op(A) and op(B) in (row, depth) / (depth, column) order.
  const size_t a_rs = g.trans_a ? 1 : g.lda, a_cs = g.trans_a ? g.lda : 1;
  const size_t b_rs = g.trans_b ? 1 : g.ldb, b_cs = g.trans_b ? g.ldb : 1;
  const size_t nc_step = gemm_balanced(g.n, bl.nc, bl.nr);
  for (size_t ic = 0; ic < g.m; ic += bl.mc) {
    const size_t mc = std::min(bl.mc, g.m - ic);
    for (size_t pc = 0; pc < g.k; pc += plan.kc_step) {
      const size_t kc = std::min(plan.kc_step, g.k - pc);
      const float* a_block = g.a + ic * a_rs + pc * a_cs;
      if (!a_in_place) kern.pack_a(g.trans_a, a_block, g.lda, mc, kc, pa);
      for (size_t jc = 0; jc < g.n; jc += nc_step) {
        const size_t nc = std::min(nc_step, g.n - jc);
        const float* b_block = g.b + pc * b_rs + jc * b_cs;
        if (!b_in_place) kern.pack_b(g.trans_b, b_block, g.ldb, kc, nc, pb);
        GemmBlock blk = gemm_block(g, plan, ic, mc, jc, nc, pc, kc, a_in_place ? a_block : pa, b_in_place ? b_block : pb);
        blk.scratch = scratch;
        blk.scratch_b = scratch_b;
        kern.macro_kernel(blk);
      }
    }
  }
}

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
  const GemmPlan plan = gemm_plan(kern.blocking, p, trans_c);
  const size_t threads = gemm_team_size(static_cast<double>(g.m) * g.n * g.k, static_cast<size_t>(usable_threads()));
  if (threads > 1) {
    gemm_run_parallel(kern, p, plan, threads);
  } else {
    gemm_run_block(kern, p, plan);
  }
}

}  // namespace simdtrain

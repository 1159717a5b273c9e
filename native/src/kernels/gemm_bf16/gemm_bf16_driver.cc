// The bf16 GEMM driver (path-independent): Goto/BLIS blocking around a path's
// packing and macro-kernel, an M x N split over the thread pool (the fp32
// driver's gemm_threading.h: team size, grid, ranges), and the dispatch to
// the active path.
//
// Loops, outermost first: jc over N by NC (pack B[pc, jc] per K block),
// pc over K by KC, ic over M by MC (pack A[ic, pc]), macro-kernel. The sums
// stay raw fp32 across K blocks (a per-thread workspace when K > KC), so the
// epilogue runs once at the end and splitting K never changes the bits.
#include <algorithm>
#include <cstdint>
#include <exception>
#include <mutex>

#include "../../core/thread_pool.h"
#include "../../simd/isa.h"
#include "../gemm/gemm_buffers.h"
#include "../gemm/gemm_threading.h"
#include "gemm_bf16.h"
#include "gemm_bf16_kernels.h"

namespace simdtrain {
namespace {

const Bf16Kernels* kernels_for(Bf16Path path) {
#if SIMDTRAIN_X86
  if (path == Bf16Path::avx512bf16) return &avx512bf16::kBf16Kernels;
  if (path == Bf16Path::amx) return &amx::kBf16Kernels;
#endif
  (void)path;
  return nullptr;
}

struct Bf16Buffers {
  GemmPackBuffer a, b, acc;
};

Bf16Buffers& buffers() {
  thread_local Bf16Buffers b;
  return b;
}

uint16_t* halves(GemmPackBuffer& buf, size_t count) { return reinterpret_cast<uint16_t*>(buf.get((count + 1) / 2)); }

size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

// Largest step <= limit (a multiple of unit) splitting n into equal-ish blocks.
size_t balanced(size_t n, size_t limit, size_t unit) {
  const size_t blocks = (n + limit - 1) / limit;
  return round_up((n + blocks - 1) / blocks, unit);
}

void run_block(const Bf16Kernels& kern, const GemmArgs& g) {
  const size_t kc_step = balanced(g.k, kern.kc, kern.k_unit);
  const size_t nc_step = balanced(g.n, kern.nc, kern.nr);
  const size_t mc_step = balanced(g.m, kern.mc, kern.mr);
  const size_t kc_max = round_up(std::min(g.k, kc_step), kern.k_unit);
  Bf16Buffers& buf = buffers();
  uint16_t* pb = halves(buf.b, round_up(std::min(g.n, nc_step), kern.nr) * kc_max);
  uint16_t* pa = halves(buf.a, round_up(std::min(g.m, mc_step), kern.mr) * kc_max);
  const size_t acc_ld = std::min(g.n, nc_step);
  float* acc = kc_step < g.k ? buf.acc.get(g.m * acc_ld) : nullptr;
  const size_t a_rs = g.trans_a ? 1 : g.lda, a_cs = g.trans_a ? g.lda : 1;
  const size_t b_rs = g.trans_b ? 1 : g.ldb, b_cs = g.trans_b ? g.ldb : 1;
  for (size_t jc = 0; jc < g.n; jc += nc_step) {
    const size_t nc = std::min(nc_step, g.n - jc);
    for (size_t pc = 0; pc < g.k; pc += kc_step) {
      const size_t kc = std::min(kc_step, g.k - pc);
      const size_t kc_pad = round_up(kc, kern.k_unit);
      kern.pack_b(g.trans_b, g.b + pc * b_rs + jc * b_cs, g.ldb, kc, nc, kc_pad, pb);
      for (size_t ic = 0; ic < g.m; ic += mc_step) {
        const size_t mc = std::min(mc_step, g.m - ic);
        kern.pack_a(g.trans_a, g.a + ic * a_rs + pc * a_cs, g.lda, mc, kc, kc_pad, pa);
        Bf16Block blk;
        blk.mc = mc;
        blk.nc = nc;
        blk.kc_pad = kc_pad;
        blk.a = pa;
        blk.b = pb;
        blk.acc_in = pc > 0 ? acc + ic * acc_ld : nullptr;
        blk.acc_out = acc ? acc + ic * acc_ld : nullptr;
        blk.acc_ld = acc_ld;
        blk.finish = pc + kc == g.k;
        blk.c = g.c + ic * g.ldc + jc;
        blk.ldc = g.ldc;
        blk.alpha = g.alpha;
        blk.beta = g.beta;
        blk.bias = g.epilogue.bias ? g.epilogue.bias + jc : nullptr;
        blk.relu = g.epilogue.activation == Activation::relu;
        kern.macro_kernel(blk);
      }
    }
  }
}

GemmArgs sub_problem(const GemmArgs& g, size_t i0, size_t i1, size_t j0, size_t j1) {
  GemmArgs s = g;
  s.m = i1 - i0;
  s.n = j1 - j0;
  s.a = g.a + (g.trans_a ? i0 : i0 * g.lda);
  s.b = g.b + (g.trans_b ? j0 * g.ldb : j0);
  s.c = g.c + i0 * g.ldc + j0;
  if (g.epilogue.bias) s.epilogue.bias = g.epilogue.bias + j0;
  return s;
}

// Runs fn(sub-problem) for each block of a grid of threads over C
// (gemm_threading.h: how many threads the product deserves, the grid with the
// smallest largest block of row_unit x col_unit tiles, the ranges). Every
// element of C keeps its own summation order, so the bits do not depend on
// the split.
template <class Fn>
void run_split(const GemmArgs& g, size_t row_unit, size_t col_unit, Fn&& fn) {
  const double work = static_cast<double>(g.m) * static_cast<double>(g.n) * static_cast<double>(g.k);
  const size_t team = gemm_team_size(work, static_cast<size_t>(get_num_threads()));
  const GemmGrid grid = team > 1 ? gemm_choose_grid(g.m, g.n, row_unit, col_unit, team) : GemmGrid{};
  if (grid.threads() <= 1) return fn(g);
  std::exception_ptr error;
  std::mutex error_mutex;
  run_parallel(grid.threads(), [&](size_t t) {
    size_t i0, i1, j0, j1;
    gemm_split(g.m, row_unit, grid.tm, t / grid.tn, &i0, &i1);
    gemm_split(g.n, col_unit, grid.tn, t % grid.tn, &j0, &j1);
    if (i0 >= i1 || j0 >= j1) return;
    try {
      fn(sub_problem(g, i0, i1, j0, j1));
    } catch (...) {  // never let an exception escape a pool thread
      std::lock_guard<std::mutex> lock(error_mutex);
      error = std::current_exception();
    }
  });
  if (error) std::rethrow_exception(error);
}

}  // namespace

bool sgemm_bf16_on(Bf16Path path, const GemmArgs& g) {
  if (path == Bf16Path::off || !bf16_path_available(path, nullptr)) return false;
  if (g.m == 0 || g.n == 0) return true;
  const Bf16Kernels* kern = kernels_for(path);
  if (path == Bf16Path::emulate && g.k != 0 && g.alpha != 0.0f) {
    gemm_bf16_rounded(g);  // rounded copies, then the fp32 GEMM (threaded itself)
    return true;
  }
  if (!kern || g.k == 0 || g.alpha == 0.0f) {  // no products at all (or no kernels: the exact emulation)
    const Bf16Order order = path == Bf16Path::avx512bf16 ? Bf16Order::odd_first : Bf16Order::even_first;
    gemm_bf16_emulate(g, order);  // threaded over rows itself
    return true;
  }
  run_split(g, kern->mr, kern->nr, [&](const GemmArgs& s) { run_block(*kern, s); });
  return true;
}

void sgemm_bf16(const GemmArgs& g) { sgemm_bf16_on(bf16_active_path(), g); }

}  // namespace simdtrain

// The threaded fp32 GEMM. Two ways to split a product over a team:
//
// - Shared B (products that pack B): BLIS-style. The team is a tm x tn grid
//   (gemm_threading.h): tn groups of columns, tm threads per group splitting
//   the rows. Per (K block, column block) step the tm threads of a group pack
//   one B panel block together, each a share, wait at the group's barrier
//   and then each multiplies its own packed rows of A by the whole shared
//   panel. Two panel buffers alternate, so one barrier per step suffices: a
//   thread packing step s+1 has passed barrier s, which every thread reaches
//   only after finishing step s-1, the last user of that buffer.
// - Independent blocks (B read in place, transposed C): each thread runs the
//   single-thread loop nest on its own block of C; nothing is packed twice.
//
// Each C element is computed by one thread with the plan's K blocking, so
// every split gives the bits of the single-thread path.
#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <new>

#include "../../core/thread_pool.h"
#include "gemm_buffers.h"
#include "gemm_loops.h"
#include "gemm_threading.h"

namespace simdtrain {
namespace {

// Depth rows per unit of cooperative packing: a multiple of every ISA's lane
// count, so the transposing packer keeps working on whole squares.
constexpr size_t kPackChunk = 16;

void run_independent(const GemmKernels& kern, const GemmArgs& g, const GemmPlan& plan, GemmGrid grid) {
  const size_t row_unit = plan.trans_c ? kern.blocking.tc_mr : kern.blocking.mr;
  std::exception_ptr error;
  std::mutex error_mutex;
  run_parallel(grid.threads(), [&](size_t t) {
    size_t i0, i1, j0, j1;
    gemm_split(g.m, row_unit, grid.tm, t / grid.tn, &i0, &i1);
    gemm_split(g.n, kern.blocking.nr, grid.tn, t % grid.tn, &j0, &j1);
    if (i0 >= i1 || j0 >= j1) return;
    try {
      gemm_run_block(kern, gemm_sub_problem(g, plan.trans_c, i0, i1, j0, j1), plan);
    } catch (...) {  // never let an exception escape a pool thread
      std::lock_guard<std::mutex> lock(error_mutex);
      error = std::current_exception();
    }
  });
  if (error) std::rethrow_exception(error);
}

struct SharedB {
  const GemmKernels& kern;
  const GemmArgs& g;
  const GemmPlan& plan;
  GemmGrid grid;
  float* panels;        // 2 buffers per group, panel_floats each
  size_t panel_floats;  // one packed kc x nc block
  TeamBarrier* group_barriers;
  TeamBarrier* team_barrier;
  std::atomic<bool>* failed;

  void member(size_t tid) const {
    const GemmBlocking& bl = kern.blocking;
    const size_t gi = tid % grid.tm, gj = tid / grid.tm;
    size_t i0, i1, j0, j1;
    gemm_split(g.m, bl.mr, grid.tm, gi, &i0, &i1);
    gemm_split(g.n, bl.nr, grid.tn, gj, &j0, &j1);
    float* pa = nullptr;
    try {
      pa = gemm_thread_buffers().a.get(gemm_round_up(std::min(i1 - i0, bl.mc), bl.mr) * plan.kc_step);
    } catch (...) {
      failed->store(true);
    }
    team_barrier->wait();  // nobody starts unless every member has its buffer
    if (failed->load()) return;
    TeamBarrier& barrier = group_barriers[gj];
    float* const buffers[2] = {panels + 2 * gj * panel_floats, panels + (2 * gj + 1) * panel_floats};
    const size_t a_rs = g.trans_a ? 1 : g.lda, a_cs = g.trans_a ? g.lda : 1;
    const size_t b_rs = g.trans_b ? 1 : g.ldb, b_cs = g.trans_b ? g.ldb : 1;
    const size_t nc_step = gemm_balanced(j1 - j0, bl.nc, bl.nr);
    // The members of a group step in lockstep (same barriers): as many row
    // blocks as the member with the most rows needs.
    const size_t most_rows = ((g.m + bl.mr - 1) / bl.mr + grid.tm - 1) / grid.tm * bl.mr;
    const size_t row_blocks = (most_rows + bl.mc - 1) / bl.mc;
    size_t step = 0;
    for (size_t rb = 0; rb < row_blocks; ++rb) {
      const size_t r0 = std::min(i1, i0 + rb * bl.mc), r1 = std::min(i1, r0 + bl.mc);
      for (size_t pc = 0; pc < g.k; pc += plan.kc_step) {
        const size_t kc = std::min(plan.kc_step, g.k - pc);
        if (r0 < r1) kern.pack_a(g.trans_a, g.a + r0 * a_rs + pc * a_cs, g.lda, r1 - r0, kc, pa);
        for (size_t jc = j0; jc < j1; jc += nc_step, ++step) {
          const size_t nc = std::min(nc_step, j1 - jc);
          float* pb = buffers[step & 1];
          const float* b_block = g.b + pc * b_rs + jc * b_cs;
          gemm_pack_share((nc + bl.nr - 1) / bl.nr, kc, kPackChunk, grid.tm, gi, [&](size_t q, size_t k0, size_t k1) {
            const size_t cols = std::min(bl.nr, nc - q * bl.nr);
            kern.pack_b(g.trans_b, b_block + k0 * b_rs + q * bl.nr * b_cs, g.ldb, k1 - k0, cols,
                        pb + q * bl.nr * kc + k0 * bl.nr);
          });
          barrier.wait();
          if (r0 < r1) kern.macro_kernel(gemm_block(g, plan, r0, r1 - r0, jc, nc, pc, kc, pa, pb));
        }
      }
    }
  }
};

void run_shared_b(const GemmKernels& kern, const GemmArgs& g, const GemmPlan& plan, GemmGrid grid) {
  const GemmBlocking& bl = kern.blocking;
  const size_t team = grid.threads();
  size_t widest = 0;  // the widest group's packed block
  for (size_t t = 0; t < grid.tn; ++t) {
    size_t j0, j1;
    gemm_split(g.n, bl.nr, grid.tn, t, &j0, &j1);
    widest = std::max(widest, gemm_round_up(gemm_balanced(j1 - j0, bl.nc, bl.nr), bl.nr));
  }
  const size_t panel_floats = widest * plan.kc_step;
  float* panels = gemm_thread_buffers().shared_b.get(2 * grid.tn * panel_floats);
  std::unique_ptr<TeamBarrier[]> group_barriers(new TeamBarrier[grid.tn]);
  for (size_t t = 0; t < grid.tn; ++t) group_barriers[t].reset(grid.tm);
  TeamBarrier team_barrier(team);
  std::atomic<bool> failed{false};
  const SharedB job{kern, g, plan, grid, panels, panel_floats, group_barriers.get(), &team_barrier, &failed};
  run_team(team, [&](size_t tid, size_t got) {
    if (got == team) {
      job.member(tid);
    } else if (tid == 0) {  // the pool was busy or shrank: no team, one thread
      try {
        gemm_run_block(kern, g, plan);
      } catch (...) {
        failed.store(true);
      }
    }
  });
  if (failed.load()) throw std::bad_alloc();
}

}  // namespace

void gemm_run_parallel(const GemmKernels& kern, const GemmArgs& g, const GemmPlan& plan, size_t threads) {
  const size_t row_unit = plan.trans_c ? kern.blocking.tc_mr : kern.blocking.mr;
  const GemmGrid grid = gemm_choose_grid(g.m, g.n, row_unit, kern.blocking.nr, threads);
  if (grid.threads() <= 1) {
    gemm_run_block(kern, g, plan);
  } else if (plan.b_in_place || plan.trans_c || plan.a_in_place) {
    run_independent(kern, g, plan, grid);
  } else {
    run_shared_b(kern, g, plan, grid);
  }
}

}  // namespace simdtrain

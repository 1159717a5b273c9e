// Internal to the fp32 GEMM driver: the per-call plan and the loop nest that
// gemm_driver.cc (one thread) and gemm_parallel.cc (teams) share.
#pragma once

#include <cstddef>

#include "gemm.h"
#include "gemm_table.h"

namespace simdtrain {

// Decisions taken once per sgemm() call from the whole problem, so that every
// thread of a split takes the same ones.
struct GemmPlan {
  bool trans_c;     // the problem is Cᵀ = op(B)ᵀ·op(A)ᵀ (see gemm_driver.cc)
  bool a_in_place;  // op(A) read in place, not packed
  bool b_in_place;  // op(B) read in place, not packed
  size_t kc_step;   // depth of every K block: fixes the summation order (the bits)
};

GemmPlan gemm_plan(const GemmBlocking& bl, const GemmArgs& g, bool trans_c);

// The block of C (of Cᵀ when trans_c) rows [i0, i0 + mc) x columns [j0, j0 + nc)
// at depth [pc, pc + kc), A and B as given (packed or in place).
GemmBlock gemm_block(const GemmArgs& g, const GemmPlan& plan, size_t i0, size_t mc, size_t j0, size_t nc, size_t pc,
                     size_t kc, const float* a, const float* b);

// The sub-problem computing C[i0:i1, j0:j1] (of Cᵀ when trans_c).
GemmArgs gemm_sub_problem(const GemmArgs& g, bool trans_c, size_t i0, size_t i1, size_t j0, size_t j1);

// One thread's whole Goto loop nest over g.
void gemm_run_block(const GemmKernels& kern, const GemmArgs& g, const GemmPlan& plan);

// g over up to `threads` threads (gemm_parallel.cc).
void gemm_run_parallel(const GemmKernels& kern, const GemmArgs& g, const GemmPlan& plan, size_t threads);

inline size_t gemm_round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

// Largest step <= `limit` (a multiple of `unit`) that splits n into equal-ish blocks.
inline size_t gemm_balanced(size_t n, size_t limit, size_t unit) {
  const size_t blocks = (n + limit - 1) / limit;
  return gemm_round_up((n + blocks - 1) / blocks, unit);
}

}  // namespace simdtrain

// Block sizes of the GEMM, one entry per ISA: the ONLY place where ISAs differ
// (the micro-kernel, packing and driver are written once). Include from a
// *.isa.cc after simd/target.h; kGemmBlocking is then the entry for that
// ISA's build.
//
//   MR x (NV * kLanes)  register tile: MR rows of A broadcast against NV
//                       vectors of a B row; MR * NV accumulators + NV B
//                       vectors + 1 broadcast must fit in the register file.
//   KC                  depth of one packed block: the MR x KC A micro-panel
//                       stays in L1 while the kernel sweeps across B.
//   NC                  columns of the packed B block, KC x NC floats kept
//                       in L2 (about half of it).
//   MC                  rows of the packed A block (L3; large, so B is
//                       re-packed rarely).
//   TC_MR               tallest tile of the transposed-C path (narrow Aᵀ·B,
//                       see gemm_driver.cc): TC_MR * NV accumulators must fit.
// Sizes for x86 were measured on AMD Zen 5 (48 KiB L1D, 1 MiB L2) with
// bench/gemm.bench.js; MC and NC are multiples of MR and NR.
#pragma once

#include "gemm_table.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {

#if defined(SIMDTRAIN_TARGET_AVX512)
// 8 x 32 (16 zmm accumulators) although 14 x 32 (28) fits the 32 registers:
// measured on Zen 5, 8 rows are 2-10 % faster on every benchmark shape (64
// and 128 rows split into whole tiles, two loads per 16 FMAs are within the
// load ports' reach, and the in-place A rows need fewer address registers).
// Transposed tiles (N = 10 = one tile of 10 rows) may use up to 14 rows.
// MC = 4096 (a 6 MiB A block, L3): B is packed once per 4096 rows; measured
// +3-8 % over 1008 at 1024^2-2048^2 with one and two threads.
constexpr GemmBlocking kGemmBlocking = {/*mr=*/8, /*nv=*/2, /*nr=*/32, /*kc=*/384, /*mc=*/4096, /*nc=*/320, /*tc_mr=*/14, /*cheap_partial_loads=*/true};
#elif defined(SIMDTRAIN_TARGET_AVX2)
// 16 ymm: 12 accumulators + 2 B vectors + 1 broadcast (the classic 6x16).
constexpr GemmBlocking kGemmBlocking = {/*mr=*/6, /*nv=*/2, /*nr=*/16, /*kc=*/384, /*mc=*/1008, /*nc=*/640, /*tc_mr=*/6, /*cheap_partial_loads=*/true};
#elif defined(SIMDTRAIN_TARGET_SSE2)
// 16 xmm, no FMA (mul + add needs a temporary): 12 accumulators + 2 B + 1 A + 1 tmp.
constexpr GemmBlocking kGemmBlocking = {/*mr=*/6, /*nv=*/2, /*nr=*/8, /*kc=*/256, /*mc=*/1008, /*nc=*/1024, /*tc_mr=*/6, /*cheap_partial_loads=*/false};
#elif defined(SIMDTRAIN_TARGET_NEON)
// 32 q registers: 24 accumulators + 3 B vectors + 1 broadcast.
constexpr GemmBlocking kGemmBlocking = {/*mr=*/8, /*nv=*/3, /*nr=*/12, /*kc=*/256, /*mc=*/1024, /*nc=*/1020, /*tc_mr=*/8, /*cheap_partial_loads=*/false};
#else
// Scalar reference build: one-lane "vectors", 4 x 3 tile in 16 FP registers.
constexpr GemmBlocking kGemmBlocking = {/*mr=*/4, /*nv=*/3, /*nr=*/3, /*kc=*/256, /*mc=*/1024, /*nc=*/1023, /*tc_mr=*/4, /*cheap_partial_loads=*/true};
#endif

static_assert(kGemmBlocking.nr == kGemmBlocking.nv * kLanes, "nr must be nv vectors");
static_assert(kGemmBlocking.mc % kGemmBlocking.mr == 0, "mc must be a multiple of mr");
static_assert(kGemmBlocking.nc % kGemmBlocking.nr == 0, "nc must be a multiple of nr");
static_assert(kGemmBlocking.tc_mr >= 1, "tc_mr must be at least one row");

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

// bf16 GEMM: the same C = act(alpha * op(A) * op(B) + beta * C + bias) on
// fp32 arrays as sgemm (gemm.h), with A and B rounded to bf16 (bf16.h) while
// they are packed and the products summed in fp32. sgemm() comes here when
// GemmArgs::precision is bf16. See docs/bf16.md for paths, orders and bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "../gemm/gemm.h"

namespace simdtrain {

// How a bf16 GEMM runs. `off` computes in fp32 (precision requests ignored).
enum class Bf16Path : uint8_t { off = 0, emulate = 1, avx512bf16 = 2, amx = 3 };
constexpr int kBf16PathCount = 4;

const char* bf16_path_name(Bf16Path path);
bool bf16_path_from_name(const char* name, Bf16Path* out);

// Whether `path` can run here; when not, *why says why (CPU, OS, build).
// Asking about amx requests the tile-data permission from Linux (once).
bool bf16_path_available(Bf16Path path, std::string* why);

// The path bf16 requests take now: the best available one, or the one
// SIMDTRAIN_BF16 names when that is available.
Bf16Path bf16_active_path();
// Forces `path`; false (nothing changes) when it cannot run here.
bool bf16_set_path(Bf16Path path);
// A message when SIMDTRAIN_BF16 named something unusable, else "".
const std::string& bf16_env_error();

// Runs on the active path. Precondition: gemm_check(args) == nullptr.
void sgemm_bf16(const GemmArgs& args);
// Runs on `path` (tests and benchmarks); false when it cannot run here.
bool sgemm_bf16_on(Bf16Path path, const GemmArgs& args);

// The order in which one dot-product instruction adds its pair of products
// (a[2p]b[2p], a[2p+1]b[2p+1]) to the fp32 sum: TDPBF16PS (AMX) even first,
// VDPBF16PS (AVX512-BF16) odd first.
enum class Bf16Order : uint8_t { even_first = 0, odd_first = 1 };

// The exact scalar emulation: per output element, pairs in increasing k, each
// product of bf16-rounded values added to the fp32 sum in `order`, with the
// hardware's denormal flushing; then the fp32 epilogue. Gives the bits of the
// path with the same order (see docs/bf16.md for the exceptions).
void gemm_bf16_emulate(const GemmArgs& args, Bf16Order order);

// The `emulate` path's GEMM: op(A) and op(B) rounded to bf16 into fp32
// copies, then sgemm in fp32 on them (gemm_bf16_rounded.cc). Gives the bits
// of the fp32 sgemm on the rounded inputs. Preconditions: gemm_check(args) ==
// nullptr, m, n, k > 0.
void gemm_bf16_rounded(const GemmArgs& args);

}  // namespace simdtrain

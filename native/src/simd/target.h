// Included first by every per-ISA kernel file. The build compiles each such
// file once per ISA with -DSIMDTRAIN_TARGET_<ISA> and that ISA's flags; this
// header brings in the matching vector type and names the namespace
// (SIMDTRAIN_NS) that everything in the file must live in. Keeping all code of
// an ISA build inside its own namespace stops the linker from merging an
// inline function compiled with AVX-512 into the baseline path.
#pragma once

#if defined(SIMDTRAIN_TARGET_SCALAR)
#include "vec_scalar.h"
#define SIMDTRAIN_NS scalar
#elif defined(SIMDTRAIN_TARGET_SSE2)
#include "vec_sse2.h"
#define SIMDTRAIN_NS sse2
#elif defined(SIMDTRAIN_TARGET_AVX2)
#include "vec_avx2.h"
#define SIMDTRAIN_NS avx2
#elif defined(SIMDTRAIN_TARGET_AVX512)
#include "vec_avx512.h"
#define SIMDTRAIN_NS avx512
#elif defined(SIMDTRAIN_TARGET_NEON)
#include "vec_neon.h"
#define SIMDTRAIN_NS neon
#else
#error "compile per-ISA kernel files with -DSIMDTRAIN_TARGET_<ISA>"
#endif

#include <cstddef>

namespace simdtrain {
namespace SIMDTRAIN_NS {
#include "loop.inl"
}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

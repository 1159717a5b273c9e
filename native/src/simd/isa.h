// Instruction-set identifiers shared by detection, dispatch and the addon.
#pragma once

#include <cstdint>

#if defined(__x86_64__) || defined(_M_X64)
#define SIMDTRAIN_X86 1
#else
#define SIMDTRAIN_X86 0
#endif

#if defined(__aarch64__) || defined(_M_ARM64)
#define SIMDTRAIN_ARM64 1
#else
#define SIMDTRAIN_ARM64 0
#endif

namespace simdtrain {

// Ordered from least to most capable within an architecture. `scalar` is the
// one-lane instantiation of every kernel (compiled without auto-vectorisation)
// and exists on every architecture as the differential reference.
enum class Isa : uint8_t { scalar = 0, sse2 = 1, avx2 = 2, avx512 = 3, neon = 4 };

constexpr int kIsaCount = 5;

const char* isa_name(Isa isa);
// Returns false when `name` is not an ISA this library knows.
bool isa_from_name(const char* name, Isa* out);

}  // namespace simdtrain

#include "cpu_features.h"

#include <cstring>

#if SIMDTRAIN_X86
#include <cpuid.h>
#endif

namespace simdtrain {

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::scalar: return "scalar";
    case Isa::sse2: return "sse2";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
    case Isa::neon: return "neon";
  }
  return "unknown";
}

bool isa_from_name(const char* name, Isa* out) {
  for (int i = 0; i < kIsaCount; ++i) {
    Isa isa = static_cast<Isa>(i);
    if (std::strcmp(name, isa_name(isa)) == 0) {
      *out = isa;
      return true;
    }
  }
  return false;
}

#if SIMDTRAIN_X86
namespace {

struct X86Features {
  bool avx2_fma = false;
  bool avx512 = false;  // F + BW + DQ + VL, with OS support for ZMM state
};

// XGETBV is encoded by hand so this file needs no -mxsave flag.
uint64_t read_xcr0() {
  uint32_t eax, edx;
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

X86Features detect_x86() {
  X86Features f;
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  const bool fma = c & (1u << 12);
  const bool osxsave = c & (1u << 27);
  const bool avx = c & (1u << 28);
  if (!osxsave || !avx) return f;
  const uint64_t xcr0 = read_xcr0();
  const bool os_ymm = (xcr0 & 0x6) == 0x6;            // SSE + AVX state
  const bool os_zmm = (xcr0 & 0xe6) == 0xe6;          // + opmask, ZMM_Hi256, Hi16_ZMM
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid_count(7, 0, a, b, c, d);
  const bool avx2 = b & (1u << 5);
  const bool avx512f = b & (1u << 16);
  const bool avx512dq = b & (1u << 17);
  const bool avx512bw = b & (1u << 30);
  const bool avx512vl = b & (1u << 31);
  f.avx2_fma = os_ymm && avx2 && fma;
  f.avx512 = f.avx2_fma && os_zmm && avx512f && avx512dq && avx512bw && avx512vl;
  return f;
}

const X86Features& x86_features() {
  static const X86Features features = detect_x86();
  return features;
}

}  // namespace
#endif

bool cpu_supports(Isa isa) {
  switch (isa) {
    case Isa::scalar: return true;
#if SIMDTRAIN_X86
    case Isa::sse2: return true;  // part of x86-64
    case Isa::avx2: return x86_features().avx2_fma;
    case Isa::avx512: return x86_features().avx512;
#endif
#if SIMDTRAIN_ARM64
    case Isa::neon: return true;  // part of AArch64
#endif
    default: return false;
  }
}

Isa best_supported_isa() {
  Isa best = Isa::scalar;
  for (int i = 0; i < kIsaCount; ++i) {
    Isa isa = static_cast<Isa>(i);
    if (cpu_supports(isa)) best = isa;
  }
  return best;
}

const char* cpu_arch() {
#if SIMDTRAIN_X86
  return "x64";
#elif SIMDTRAIN_ARM64
  return "arm64";
#else
  return "other";
#endif
}

}  // namespace simdtrain

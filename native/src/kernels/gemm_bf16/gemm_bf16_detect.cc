// Which bf16 paths can run here, and which one is active.
//
// AMX needs the CPU (CPUID.7.0:EDX amx-bf16, amx-tile), the OS saving tile
// state (XCR0 bits 17-18) and, on Linux, the per-process permission
// arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA): requested once, the
// first time anyone asks (a function-local static, so thread-safe); it then
// holds for every thread of the process. AVX512-BF16 needs CPUID.7.1:EAX bit 5
// on top of the AVX-512 kernels' own requirements.
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../../simd/cpu_features.h"
#include "gemm_bf16.h"

#if SIMDTRAIN_X86
#include <cpuid.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#endif

namespace simdtrain {
namespace {

struct PathSupport {
  bool ok[kBf16PathCount] = {true, true, false, false};
  std::string why[kBf16PathCount];
};

#if SIMDTRAIN_X86
uint64_t read_xcr0() {  // XGETBV encoded by hand: no -mxsave needed
  uint32_t eax, edx;
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

// The tile-data permission; "" when granted, else why not.
std::string request_tile_permission() {
#if defined(__linux__)
  constexpr int kReqXcompPerm = 0x1023, kGetXcompPerm = 0x1022, kXtiledata = 18;
  unsigned long mask = 0;
  if (syscall(SYS_arch_prctl, kGetXcompPerm, &mask) == 0 && (mask & (1ul << kXtiledata))) return "";
  if (syscall(SYS_arch_prctl, kReqXcompPerm, kXtiledata) != 0) {
    return std::string("OS refused the AMX tile-data permission (arch_prctl: ") + std::strerror(errno) + ")";
  }
  return "";
#else
  return "AMX is only enabled on Linux";
#endif
}
#endif

PathSupport detect() {
  PathSupport s;
#if SIMDTRAIN_X86
  unsigned a = 0, b = 0, c = 0, d = 0;
  const bool leaf7 = __get_cpuid_max(0, nullptr) >= 7;
  if (leaf7) __cpuid_count(7, 1, a, b, c, d);
  const bool bf16 = leaf7 && (a & (1u << 5));
  if (!cpu_supports(Isa::avx512)) s.why[2] = "CPU or OS lacks AVX-512";
  else if (!bf16) s.why[2] = "CPU lacks AVX512-BF16";
  else s.ok[2] = true;
  if (leaf7) __cpuid_count(7, 0, a, b, c, d);
  const bool amx = leaf7 && (d & (1u << 22)) && (d & (1u << 24));
  if (!amx) {
    s.why[3] = "CPU lacks AMX-BF16";
  } else if (!s.ok[2]) {
    s.why[3] = "AMX needs AVX512-BF16 for packing (" + s.why[2] + ")";
  } else if ((read_xcr0() & (3ull << 17)) != (3ull << 17)) {
    s.why[3] = "OS does not enable AMX tile state (XCR0)";
  } else {
    s.why[3] = request_tile_permission();
    s.ok[3] = s.why[3].empty();
  }
#else
  s.why[2] = "not an x86-64 build";
  s.why[3] = "not an x86-64 build";
#endif
  return s;
}

const PathSupport& support() {
  static const PathSupport s = detect();
  return s;
}

Bf16Path best_path() {
  for (int p = kBf16PathCount - 1; p > 0; --p) {
    if (support().ok[p]) return static_cast<Bf16Path>(p);
  }
  return Bf16Path::emulate;
}

struct ActiveState {
  std::atomic<Bf16Path> active{Bf16Path::emulate};
  std::string env_error;
  ActiveState() {
    active.store(best_path());
    const char* forced = std::getenv("SIMDTRAIN_BF16");
    if (forced == nullptr || *forced == '\0') return;
    Bf16Path p;
    std::string why;
    if (!bf16_path_from_name(forced, &p)) {
      env_error = std::string("SIMDTRAIN_BF16=") + forced + " is not one of amx, avx512bf16, emulate, off";
    } else if (!bf16_path_available(p, &why)) {
      env_error = std::string("SIMDTRAIN_BF16=") + forced + " cannot run here: " + why;
    } else {
      active.store(p);
    }
  }
};

ActiveState& state() {
  static ActiveState s;
  return s;
}

}  // namespace

const char* bf16_path_name(Bf16Path path) {
  switch (path) {
    case Bf16Path::off: return "off";
    case Bf16Path::emulate: return "emulate";
    case Bf16Path::avx512bf16: return "avx512bf16";
    case Bf16Path::amx: return "amx";
  }
  return "unknown";
}

bool bf16_path_from_name(const char* name, Bf16Path* out) {
  for (int p = 0; p < kBf16PathCount; ++p) {
    if (std::strcmp(name, bf16_path_name(static_cast<Bf16Path>(p))) == 0) {
      *out = static_cast<Bf16Path>(p);
      return true;
    }
  }
  return false;
}

bool bf16_path_available(Bf16Path path, std::string* why) {
  const int p = static_cast<int>(path);
  if (p < 0 || p >= kBf16PathCount) return false;
  if (why) *why = support().why[p];
  return support().ok[p];
}

Bf16Path bf16_active_path() { return state().active.load(std::memory_order_relaxed); }

bool bf16_set_path(Bf16Path path) {
  if (!bf16_path_available(path, nullptr)) return false;
  state().active.store(path);
  return true;
}

const std::string& bf16_env_error() { return state().env_error; }

}  // namespace simdtrain

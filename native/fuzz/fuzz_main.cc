// libFuzzer entry: the first byte picks a kernel family's target; the target
// compares every runnable ISA against the scalar reference on fuzzer-chosen
// sizes and values. Build: cmake -DSIMDTRAIN_FUZZ=ON with clang (scripts/fuzz.js).
#include <cstdio>
#include <cstdlib>

#include "fuzz_input.h"

namespace fuzz {

std::vector<std::pair<const char*, Target>>& targets() {
  static std::vector<std::pair<const char*, Target>> list;
  return list;
}

TargetRegistrar::TargetRegistrar(const char* name, Target target) { targets().push_back({name, target}); }

void mismatch(const char* what, const char* isa, size_t n, double got, double want) {
  std::fprintf(stderr, "MISMATCH %s on %s (n=%zu): got %.9g, scalar reference %.9g\n", what, isa, n, got, want);
  std::abort();
}

}  // namespace fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || fuzz::targets().empty()) return 0;
  fuzz::Input in(data + 1, size - 1);
  fuzz::targets()[data[0] % fuzz::targets().size()].second(in);
  return 0;
}

#include "dispatch.h"

#include <atomic>
#include <cstdlib>

#include "cpu_features.h"

namespace simdtrain {
namespace {

struct DispatchState {
  std::atomic<Isa> active{Isa::scalar};
  std::string env_error;

  DispatchState() {
    active.store(best_supported_isa());
    const char* forced = std::getenv("SIMDTRAIN_ISA");
    if (forced == nullptr || *forced == '\0') return;
    Isa isa;
    if (!isa_from_name(forced, &isa)) {
      env_error = std::string("SIMDTRAIN_ISA=") + forced + " is not a known ISA";
    } else if (!cpu_supports(isa)) {
      env_error = std::string("SIMDTRAIN_ISA=") + forced + " is not supported by this CPU";
    } else {
      active.store(isa);
    }
  }
};

DispatchState& state() {
  static DispatchState s;
  return s;
}

}  // namespace

Isa active_isa() { return state().active.load(std::memory_order_relaxed); }

bool set_active_isa(Isa isa) {
  if (!cpu_supports(isa)) return false;
  state().active.store(isa);
  return true;
}

const std::string& isa_env_error() { return state().env_error; }

}  // namespace simdtrain

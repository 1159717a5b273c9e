#include "mpi_state.h"

namespace simdtrain_mpi {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::init: return "init";
    case Kind::allreduce: return "allReduce";
    case Kind::broadcast: return "broadcast";
    case Kind::barrier: return "barrier";
    case Kind::finalize: return "finalize";
    case Kind::bucket: return "allReduce (gradient bucket)";
    case Kind::fence: return "reduceBuckets";
    default: return "quit";
  }
}

uint64_t ns_since(Clock::time_point t) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t).count());
}

State& state() {
  static State* s = new State();  // never destroyed: threads may outlive static destruction
  return *s;
}

std::vector<std::shared_ptr<Job>>& abandoned() {
  static auto* v = new std::vector<std::shared_ptr<Job>>();
  return *v;
}

}  // namespace simdtrain_mpi

// fmaPeak(threads, seconds): the machine's fp32 FMA throughput (GFLOPS) with
// the active ISA, for "percent of peak" columns in benchmarks.
#include <napi.h>

#include "../core/thread_pool.h"
#include "../kernels/probe/probe_ops.h"
#include "args.h"
#include "guard.h"
#include "registry.h"

namespace simdtrain {
namespace addon {
namespace {

// A probe blocks the calling thread; two seconds is plenty for a stable
// number and short enough that nobody mistakes it for long work.
constexpr double kMaxProbeSeconds = 2.0;

Napi::Value FmaPeak(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t threads = size_arg(info, 0, "threads");
  const double seconds = to_finite(env, info[1], "seconds");
  if (threads < 1 || threads > 1024) throw_range_error(env, "'threads' must be an integer from 1 to 1024");
  if (!(seconds > 0 && seconds <= kMaxProbeSeconds)) throw_range_error(env, "'seconds' must be in (0, 2]");
  return Napi::Number::New(env, fma_peak_gflops(threads, seconds));
}

void Init(Napi::Env env, Napi::Object exports) { export_function<FmaPeak>(env, exports, "fmaPeak"); }

BindingRegistrar registrar("probe", Init);

}  // namespace
}  // namespace addon
}  // namespace simdtrain

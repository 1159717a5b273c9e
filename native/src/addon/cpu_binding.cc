// cpuInfo(), setIsa(name), setNumThreads(n), getNumThreads().
#include <napi.h>

#include <string>

#include "../core/thread_pool.h"
#include "../simd/cpu_features.h"
#include "../simd/dispatch.h"
#include "args.h"
#include "guard.h"
#include "registry.h"

namespace simdtrain {
namespace addon {
namespace {

Napi::Value CpuInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("arch", cpu_arch());
  result.Set("isa", isa_name(active_isa()));
  result.Set("best", isa_name(best_supported_isa()));
  Napi::Array supported = Napi::Array::New(env);
  uint32_t count = 0;
  for (int i = 0; i < kIsaCount; ++i) {
    Isa isa = static_cast<Isa>(i);
    if (cpu_supports(isa)) supported.Set(count++, isa_name(isa));
  }
  result.Set("supported", supported);
  result.Set("threads", get_num_threads());
  return result;
}

Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw_type_error(env, "'isa' must be a string (got " + describe(info[0]) + ")");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  Isa isa;
  if (!isa_from_name(name.c_str(), &isa)) {
    throw_range_error(env, "'isa' must be one of scalar, sse2, avx2, avx512, neon (got '" + name + "')");
  }
  if (!set_active_isa(isa)) throw_range_error(env, "'isa' " + name + " is not supported by this CPU");
  return env.Undefined();
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t n = size_arg(info, 0, "threads");
  if (n < 1 || n > 1024) throw_range_error(env, "'threads' must be between 1 and 1024 (got " + std::to_string(n) + ")");
  set_num_threads(static_cast<int>(n));
  return env.Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), get_num_threads()); }

void Init(Napi::Env env, Napi::Object exports) {
  export_function<CpuInfo>(env, exports, "cpuInfo");
  export_function<SetIsa>(env, exports, "setIsa");
  export_function<SetNumThreads>(env, exports, "setNumThreads");
  export_function<GetNumThreads>(env, exports, "getNumThreads");
}

BindingRegistrar registrar("cpu", Init);

}  // namespace
}  // namespace addon
}  // namespace simdtrain

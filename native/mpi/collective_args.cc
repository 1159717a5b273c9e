#include "collective_args.h"

namespace simdtrain_mpi {

int64_t timeout_arg(const Napi::Value& v) {
  if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), "'timeoutMs' must be a number");
  double t = v.As<Napi::Number>().DoubleValue();
  if (!(t >= 1 && t <= 1e9) || t != static_cast<double>(static_cast<int64_t>(t))) {
    throw Napi::RangeError::New(v.Env(), "'timeoutMs' must be an integer in [1, 1e9]");
  }
  return static_cast<int64_t>(t);
}

void require_owner(Napi::Env env, const char* what) {
  State& s = state();
  if (!s.started.load()) throw Napi::Error::New(env, std::string("simdtrain/distributed: ") + what + " before init(): call `await init()` first");
  if (s.owner != static_cast<napi_env>(env)) throw Napi::Error::New(env, std::string("simdtrain/distributed: ") + what + ": MPI belongs to another thread (Worker) of this process");
  if (!s.ready && !s.finalized.load()) throw Napi::Error::New(env, std::string("simdtrain/distributed: ") + what + " before init() resolved: `await init()` first");
  if (s.finalized.load()) throw Napi::Error::New(env, std::string("simdtrain/distributed: ") + what + " after finalize()");
}

std::shared_ptr<Job> buffer_job(const Napi::CallbackInfo& info, Kind kind, const char* what) {
  Napi::Env env = info.Env();
  require_owner(env, what);
  Napi::Value a = info[0];
  if (!a.IsTypedArray()) throw Napi::TypeError::New(env, std::string(what) + ": 'array' must be a Float32Array or Float64Array");
  Napi::TypedArray ta = a.As<Napi::TypedArray>();
  auto job = std::make_shared<Job>();
  if (ta.TypedArrayType() == napi_float32_array) job->dtype = kF32;
  else if (ta.TypedArrayType() == napi_float64_array) job->dtype = kF64;
  else throw Napi::TypeError::New(env, std::string(what) + ": 'array' must be a Float32Array or Float64Array");
  if (!info[1].IsNumber()) throw Napi::TypeError::New(env, std::string(what) + ": '" + (kind == Kind::broadcast ? "root" : "op") + "' must be a number");
  const double arg = info[1].As<Napi::Number>().DoubleValue();
  if (kind == Kind::allreduce && !(arg == kSum || arg == kMean)) throw Napi::RangeError::New(env, "allReduce: 'op' must be 'sum' or 'mean'");
  if (kind == Kind::broadcast && !(arg >= 0 && arg < state().size && arg == static_cast<int>(arg))) {
    throw Napi::RangeError::New(env, "broadcast: 'root' must be an integer rank in [0, size)");
  }
  job->kind = kind;
  job->arg = static_cast<int>(arg);
  job->timeout_ms = timeout_arg(info[2]);
  // The typed array's own data pointer (also right for SharedArrayBuffer views).
  job->length = static_cast<int64_t>(ta.ElementLength());
  void* data = job->dtype == kF64 ? static_cast<void*>(a.As<Napi::Float64Array>().Data()) : static_cast<void*>(a.As<Napi::Float32Array>().Data());
  job->data = job->length ? data : nullptr;
  job->keep = Napi::Persistent(a.As<Napi::Object>());
  return job;
}

std::shared_ptr<Job> plain_job(const Napi::CallbackInfo& info, Kind kind, const char* what) {
  require_owner(info.Env(), what);
  auto job = std::make_shared<Job>();
  job->kind = kind;
  job->timeout_ms = timeout_arg(info[0]);
  return job;
}

}  // namespace simdtrain_mpi

// simdtrain_mpi: the optional Node-API addon behind `simdtrain/distributed`.
//
// Built only where MPI is installed (scripts/build-mpi.js); the main addon
// never includes or links anything from here (it lives outside native/src,
// so scripts/list-sources.js never lists it).
//
// This file holds the exported functions; the parts they stand on:
//   mpi_state.h        the job record and the one global State
//   job_queue.cc       the MPI thread's queue (any thread in, MPI thread out)
//   mpi_thread.cc      the one thread that calls MPI, in queue order
//   watchdog.cc        fails a job that outlives its timeout
//   js_promises.cc     Promises: made on the JS thread, settled there
//   collective_args.cc reading a collective's JS arguments
//   grad_buckets.cc    gradient buckets queued from the backward pass
#include "collective_args.h"
#include "grad_buckets.h"
#include "js_promises.h"
#include "mpi_state.h"
#include "mpi_thread.h"
#include "watchdog.h"

namespace simdtrain_mpi {

namespace {

void env_cleanup(void*) {
  // The owning env is going away (process exit or Worker end) without
  // finalize(): stop the MPI thread if it is idle; never wait on a blocked one.
  State& s = state();
  if (!s.started.load() || s.finalized.load()) return;
  std::lock_guard<std::mutex> lock(s.mu);
  s.stop_watchdog = true;
  s.watch_cv.notify_all();
  if (s.mpi_thread && s.mpi_thread->joinable()) s.mpi_thread->detach();
  if (s.watchdog_thread && s.watchdog_thread->joinable()) s.watchdog_thread->detach();
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  State& s = state();
  const int64_t timeout = timeout_arg(info[0]);
  double spin_us = 0;
  if (!info[1].IsUndefined()) {
    if (!info[1].IsNumber()) throw Napi::TypeError::New(env, "'spinUs' must be a number");
    spin_us = info[1].As<Napi::Number>().DoubleValue();
    if (!(spin_us >= 0 && spin_us <= 1e6)) throw Napi::RangeError::New(env, "'spinUs' must be in [0, 1e6]");
  }
  if (s.started.exchange(true)) {
    throw Napi::Error::New(env, s.finalized.load() ? "simdtrain/distributed: init() after finalize(): MPI cannot be started twice in one process"
                                                   : "simdtrain/distributed: init() was already called in this process");
  }
  s.owner = env;
  s.spin_ns = static_cast<int64_t>(spin_us * 1e3);
  s.tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "simdtrain_mpi", 0, 1);
  s.tsfn.Unref(env);
  napi_add_env_cleanup_hook(env, env_cleanup, nullptr);
  s.mpi_thread = new std::thread(mpi_thread_main);
  s.watchdog_thread = new std::thread(watchdog_main);
  auto job = std::make_shared<Job>();
  job->kind = Kind::init;
  job->timeout_ms = timeout;
  return submit(env, job);
}

Napi::Value AllReduce(const Napi::CallbackInfo& info) {
  return submit(info.Env(), buffer_job(info, Kind::allreduce, "allReduce"));
}

Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  return submit(info.Env(), buffer_job(info, Kind::broadcast, "broadcast"));
}

Napi::Value Barrier(const Napi::CallbackInfo& info) {
  return submit(info.Env(), plain_job(info, Kind::barrier, "barrier"));
}

Napi::Value Finalize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto job = plain_job(info, Kind::finalize, "finalize");
  if (state().broken.load()) {
    // MPI_Finalize would block on the dead peer: refuse, the caller exits.
    std::lock_guard<std::mutex> lock(state().mu);
    throw Napi::Error::New(env, "simdtrain/distributed: finalize() after a failure is not possible (" + state().broken_reason + "); exit the process with a non-zero status");
  }
  return submit(env, job);
}

// stats() -> cumulative { jobs, waitUs, checkUs, mpiUs, hookBuckets, returnUs }:
// queue-to-start latency, the argument-check collective, the MPI calls, how
// many gradient buckets a backward pass queued (overlap), and the hop back:
// from the MPI thread posting a result to the event loop running settle().
Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  State& s = state();
  Napi::Object r = Napi::Object::New(env);
  r.Set("jobs", static_cast<double>(s.st_jobs.load()));
  r.Set("waitUs", static_cast<double>(s.st_wait_ns.load()) / 1e3);
  r.Set("checkUs", static_cast<double>(s.st_check_ns.load()) / 1e3);
  r.Set("mpiUs", static_cast<double>(s.st_mpi_ns.load()) / 1e3);
  r.Set("hookBuckets", static_cast<double>(s.st_hook_buckets.load()));
  r.Set("returnUs", static_cast<double>(s.st_return_ns) / 1e3);
  return r;
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  State& s = state();
  Napi::Object r = Napi::Object::New(env);
  r.Set("initialized", s.ready);
  r.Set("finalized", s.finalized.load());
  r.Set("broken", s.broken.load());
  r.Set("rank", s.ready ? s.rank : 0);
  r.Set("size", s.ready ? s.size : 1);
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  if (MPI_Get_library_version(version, &len) != MPI_SUCCESS) len = 0;
  r.Set("library", std::string(version, len));
  return r;
}

}  // namespace

}  // namespace simdtrain_mpi

using namespace simdtrain_mpi;

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("allReduce", Napi::Function::New(env, AllReduce, "allReduce"));
  exports.Set("broadcast", Napi::Function::New(env, Broadcast, "broadcast"));
  exports.Set("barrier", Napi::Function::New(env, Barrier, "barrier"));
  exports.Set("finalize", Napi::Function::New(env, Finalize, "finalize"));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("makeGradHook", Napi::Function::New(env, MakeGradHook, "makeGradHook"));
  exports.Set("reduceBuckets", Napi::Function::New(env, ReduceBuckets, "reduceBuckets"));
  exports.Set("stats", Napi::Function::New(env, Stats, "stats"));
  return exports;
}

NODE_API_MODULE(simdtrain_mpi, InitModule)

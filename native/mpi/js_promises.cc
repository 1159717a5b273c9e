#include "js_promises.h"

#include "job_queue.h"

namespace simdtrain_mpi {

namespace {

// JS thread: resolves or rejects the job's Promise; after finalize() it also
// stops the MPI and watchdog threads.
void settle(Napi::Env env, Job* raw) {
  State& s = state();
  std::shared_ptr<Job> job;
  // Find the owning pointer: the posted raw pointer carries one reference.
  std::unique_ptr<std::shared_ptr<Job>> holder(reinterpret_cast<std::shared_ptr<Job>*>(raw));
  job = *holder;
  s.st_return_ns += ns_since(job->posted_at);
  if (--s.inflight == 0 && !s.finalized.load()) s.tsfn.Unref(env);
  if (job->kind == Kind::finalize && !job->drained) {
    s.finalized.store(true);
    {
      std::lock_guard<std::mutex> lock(s.mu);
      s.stop_watchdog = true;
    }
    s.watch_cv.notify_all();
    if (s.mpi_thread->joinable()) s.mpi_thread->join();
    if (s.watchdog_thread->joinable()) s.watchdog_thread->join();
    s.tsfn.Release();
  }
  Napi::HandleScope scope(env);
  if (job->error.empty()) {
    if (job->kind == Kind::init) {
      s.ready = true;
      Napi::Object r = Napi::Object::New(env);
      r.Set("rank", s.rank);
      r.Set("size", s.size);
      r.Set("threadLevel", s.provided);
      job->deferred->Resolve(r);
    } else {
      job->deferred->Resolve(env.Undefined());
    }
  } else {
    job->deferred->Reject(Napi::Error::New(env, "simdtrain/distributed: " + job->error).Value());
  }
  // A timed-out job's buffer may still be written by MPI: keep it pinned.
  // Otherwise drop the JS handles here, on the JS thread: the MPI thread or
  // the watchdog may hold the last shared_ptr, and ~Job there must not call
  // Node-API.
  if (job->timed_out) {
    abandoned().push_back(job);
  } else {
    job->keep.Reset();
    job->deferred.reset();
  }
}

}  // namespace

void post_to_js(const std::shared_ptr<Job>& job) {
  job->posted_at = Clock::now();
  auto* holder = new std::shared_ptr<Job>(job);
  napi_status st = state().tsfn.NonBlockingCall(reinterpret_cast<Job*>(holder), [](Napi::Env env, Napi::Function, Job* raw) {
    if (env == nullptr) {  // the env is gone: drop the reference only
      delete reinterpret_cast<std::shared_ptr<Job>*>(raw);
      return;
    }
    settle(env, raw);
  });
  if (st != napi_ok) delete holder;
}

Napi::Promise submit(Napi::Env env, std::shared_ptr<Job> job) {
  State& s = state();
  job->deferred = std::make_unique<Napi::Promise::Deferred>(Napi::Promise::Deferred::New(env));
  Napi::Promise promise = job->deferred->Promise();
  if (s.broken.load()) {
    std::lock_guard<std::mutex> lock(s.mu);
    job->deferred->Reject(Napi::Error::New(env, "simdtrain/distributed: the MPI communicator is unusable after an earlier failure (" + s.broken_reason + ")").Value());
    return promise;
  }
  if (s.inflight++ == 0) s.tsfn.Ref(env);
  enqueue({std::move(job)});  // a one-element vector
  return promise;
}

}  // namespace simdtrain_mpi

// simdtrain_mpi: the optional Node-API addon behind `simdtrain/distributed`.
//
// Built only where MPI is installed (scripts/build-mpi.js); the main addon
// never includes or links anything from here (it lives outside native/src,
// so scripts/list-sources.js never lists it).
//
// Threading (MPI_THREAD_FUNNELED): one dedicated thread calls MPI_Init_thread
// and every later MPI function, in the order the JS thread queued the calls,
// so collectives are issued in program order on every rank. The JS thread
// only queues jobs and settles Promises (through a thread-safe function).
// A watchdog thread fails the job in flight when it outlives its timeout: a
// blocked MPI call cannot be cancelled, so the communicator is then marked
// broken (every later call rejects at once) and the job's buffer stays pinned
// forever, because MPI may still write into it.
//
// Gradient buckets (makeGradHook / reduceBuckets): fitDistributed's gradient
// arena is all-reduced in buckets queued straight from the main addon's
// backward worker thread (through a type-tagged hook object, see
// native/src/addon/grad_ready_hook.h) or all at once after the step; the
// buckets carry no Promise and no argument check (the layout is checked
// across ranks once, when the hook is made), and one fence job behind them
// settles a single Promise per step.
//
// Latency: after a job the MPI thread polls the queue for `spinUs` before it
// sleeps on the condition variable (init option), so a collective issued
// right after the previous one resolved skips the futex wake-up.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#include <napi.h>
#include <sched.h>

#include "../src/addon/grad_ready_hook.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

enum class Kind : int { init = 0, allreduce = 1, broadcast = 2, barrier = 3, finalize = 4, quit = 5, bucket = 6, fence = 7 };
enum DType : int { kF32 = 0, kF64 = 1 };
enum ReduceOp : int { kSum = 0, kMean = 1 };

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

struct BucketPlan;

struct Job {
  Kind kind = Kind::barrier;
  BucketPlan* plan = nullptr;  // bucket jobs: the plan whose pending count they hold
  void* data = nullptr;  // pinned by `keep` until the job settles
  int64_t length = 0;
  int dtype = kF32;
  int arg = 0;           // allreduce: ReduceOp; broadcast: root
  int64_t timeout_ms = 0;
  // Written by the thread that claims the job (MPI thread or watchdog).
  std::string error;
  bool timed_out = false;
  bool drained = false;  // failed by the watchdog while still queued (never ran)
  std::atomic<bool> claimed{false};
  Clock::time_point queued_at{};  // for stats()
  Clock::time_point posted_at{};  // handed to the event loop (stats(): returnUs)
  // JS thread only (released in settle(), never by ~Job on another thread).
  std::unique_ptr<Napi::Promise::Deferred> deferred;
  Napi::ObjectReference keep;
};

// One MPI per process: the state is global; the env that called init owns it.
struct State {
  std::mutex mu;
  std::condition_variable cv;        // MPI thread: new job or quit
  std::condition_variable watch_cv;  // watchdog: a job started while it idled, an earlier deadline, or stop
  std::deque<std::shared_ptr<Job>> queue;
  std::shared_ptr<Job> current;      // the job the MPI thread is running
  Clock::time_point deadline;
  bool stop_watchdog = false;
  // The watchdog is woken only when it must look earlier than it planned
  // (idle, or a job whose deadline comes before the one it sleeps toward),
  // never per job: on a 2-core machine each wake-up of a third thread costs
  // the MPI and JS threads their core.
  uint64_t current_seq = 0;          // bumped as each job starts
  bool watchdog_idle = false;
  Clock::time_point watching_until = Clock::time_point::max();
  std::thread* mpi_thread = nullptr;      // never destroyed while possibly blocked in MPI
  std::thread* watchdog_thread = nullptr;
  Napi::ThreadSafeFunction tsfn;
  napi_env owner = nullptr;
  int inflight = 0;                  // JS thread only
  bool ready = false;                // JS thread only: init() resolved
  std::atomic<bool> started{false};
  std::atomic<bool> finalized{false};
  std::atomic<bool> broken{false};
  std::string broken_reason;         // guarded by mu
  int rank = -1, size = 0, provided = -1;
  MPI_Comm comm = MPI_COMM_NULL;
  std::atomic<uint64_t> queued{0};   // jobs pushed so far (the MPI thread polls it while spinning)
  int64_t spin_ns = 0;               // set before the MPI thread starts
  // stats(): nanoseconds summed over jobs, written by the MPI thread only.
  std::atomic<uint64_t> st_jobs{0}, st_wait_ns{0}, st_check_ns{0}, st_mpi_ns{0};
  std::atomic<uint64_t> st_hook_buckets{0};  // buckets queued from a backward pass (overlap)
  uint64_t st_return_ns = 0;                  // JS thread only: posted -> settle() running
};

State& state() {
  static State* s = new State();  // never destroyed: threads may outlive static destruction
  return *s;
}

// Jobs whose buffers must stay pinned forever (their MPI call never returned).
std::vector<std::shared_ptr<Job>>& abandoned() {
  static auto* v = new std::vector<std::shared_ptr<Job>>();
  return *v;
}

// --- Gradient buckets ---------------------------------------------------------

struct Bucket {
  int64_t offset, length;
  int64_t ready_at;  // launch once the backward pass finished op ready_at (ops_left <= ready_at)
};

// One model's bucket layout over its gradient arena. The table is what the
// main addon calls (ctx = this). `launched` and the queue order are guarded
// by mu: the backward thread (hook) and the JS thread (reduceBuckets) both
// launch buckets, in layout order.
struct BucketPlan {
  simdtrain::abi::GradHookTable table{};
  float* data = nullptr;
  std::vector<Bucket> buckets;
  int64_t timeout_ms = 0;
  std::mutex mu;
  size_t launched = 0;
  std::atomic<int64_t> pending{0};  // bucket jobs queued or running
  Napi::ObjectReference keep;       // the arena (JS thread only)
};

std::vector<BucketPlan*>& abandoned_plans() {
  static auto* v = new std::vector<BucketPlan*>();
  return *v;
}

void bucket_done(BucketPlan* plan) { plan->pending.fetch_sub(1, std::memory_order_acq_rel); }

void enqueue(const std::vector<std::shared_ptr<Job>>& jobs);

// Caller holds plan->mu. Queues the buckets whose gradients are final.
void launch_ready(BucketPlan* p, int64_t ops_left) {
  std::vector<std::shared_ptr<Job>> jobs;
  size_t next = p->launched;
  while (next < p->buckets.size() && p->buckets[next].ready_at >= ops_left) {
    const Bucket& b = p->buckets[next++];
    auto job = std::make_shared<Job>();
    job->kind = Kind::bucket;
    job->plan = p;
    job->data = p->data + b.offset;
    job->length = b.length;
    job->dtype = kF32;
    job->arg = kSum;
    job->timeout_ms = p->timeout_ms;
    jobs.push_back(std::move(job));
  }
  if (jobs.empty()) return;
  // Nothing changes unless all of them are queued (an allocation may throw above).
  p->pending.fetch_add(static_cast<int64_t>(jobs.size()), std::memory_order_acq_rel);
  p->launched = next;
  enqueue(jobs);
}

// The hook the main addon calls on its backward thread. Never throws.
void on_grads_ready(void* ctx, size_t ops_left) {
  auto* p = static_cast<BucketPlan*>(ctx);
  try {
    std::lock_guard<std::mutex> lock(p->mu);
    const size_t before = p->launched;
    launch_ready(p, static_cast<int64_t>(ops_left));
    state().st_hook_buckets.fetch_add(p->launched - before, std::memory_order_relaxed);
  } catch (...) {
    // Out of memory queuing a bucket: reduceBuckets queues what is left.
  }
}

std::string mpi_error(const char* what, int code) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(code, text, &len) != MPI_SUCCESS) len = 0;
  return std::string(what) + " failed: " + std::string(text, len) + " (MPI error " + std::to_string(code) + ")";
}

MPI_Datatype mpi_type(int dtype) { return dtype == kF64 ? MPI_DOUBLE : MPI_FLOAT; }
size_t elem_size(int dtype) { return dtype == kF64 ? 8 : 4; }

// Every collective starts with this check, so ranks that call different
// operations, or the same one with different lengths, types, reduce ops or
// roots, get a clear error (on every rank alike) instead of a deadlock or
// silently mixed data. One MPI_MAX over (v, -v) gives max and min at once.
std::string check_agreement(const Job& j) {
  const long long mine[4] = {static_cast<long long>(j.kind), j.length, j.dtype, j.arg};
  long long v[8];
  for (int i = 0; i < 4; i++) { v[i] = mine[i]; v[4 + i] = -mine[i]; }
  int rc = MPI_Allreduce(MPI_IN_PLACE, v, 8, MPI_LONG_LONG, MPI_MAX, state().comm);
  if (rc != MPI_SUCCESS) return mpi_error("MPI_Allreduce (argument check)", rc);
  static const char* names[4] = {"operation", "length", "element type", "reduce op / root"};
  for (int i = 0; i < 4; i++) {
    const long long hi = v[i], lo = -v[4 + i];
    if (hi == lo) continue;
    std::string msg = std::string(kind_name(j.kind)) + ": ranks disagree on the " + names[i] + ": this rank (" +
                      std::to_string(state().rank) + ") has " + std::to_string(mine[i]) + ", the ranks range over [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]";
    if (i == 0) msg += " (0 init, 1 allReduce, 2 broadcast, 3 barrier): every rank must issue the same collectives in the same order";
    return msg;
  }
  return "";
}

// MPI counts are ints: longer arrays go in chunks of 2^30 elements.
constexpr int64_t kChunk = int64_t(1) << 30;

uint64_t ns_since(Clock::time_point t) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t).count());
}

std::string run_collective(Job& j) {
  State& s = state();
  // Bucket jobs skip the check: their layout was agreed on when the hook was made.
  if (j.kind != Kind::bucket) {
    const Clock::time_point t0 = Clock::now();
    std::string err = check_agreement(j);
    s.st_check_ns.fetch_add(ns_since(t0), std::memory_order_relaxed);
    if (!err.empty()) return err;
  }
  const Clock::time_point t0 = Clock::now();
  struct Timed {
    Clock::time_point t0;
    ~Timed() { state().st_mpi_ns.fetch_add(ns_since(t0), std::memory_order_relaxed); }
  } timed{t0};
  char* p = static_cast<char*>(j.data);
  const size_t es = elem_size(j.dtype);
  if (j.kind == Kind::barrier) {
    int rc = MPI_Barrier(s.comm);
    return rc == MPI_SUCCESS ? "" : mpi_error("MPI_Barrier", rc);
  }
  for (int64_t off = 0; off < j.length; off += kChunk) {
    const int n = static_cast<int>(std::min(kChunk, j.length - off));
    int rc;
    if (j.kind == Kind::allreduce || j.kind == Kind::bucket) {
      rc = MPI_Allreduce(MPI_IN_PLACE, p + off * es, n, mpi_type(j.dtype), MPI_SUM, s.comm);
      if (rc != MPI_SUCCESS) return mpi_error("MPI_Allreduce", rc);
    } else {
      rc = MPI_Bcast(p + off * es, n, mpi_type(j.dtype), j.arg, s.comm);
      if (rc != MPI_SUCCESS) return mpi_error("MPI_Bcast", rc);
    }
  }
  if (j.kind == Kind::allreduce && j.arg == kMean && s.size > 1) {
    if (j.dtype == kF64) {
      double* d = static_cast<double*>(j.data);
      const double inv = 1.0 / s.size;
      for (int64_t i = 0; i < j.length; i++) d[i] *= inv;
    } else {
      float* f = static_cast<float*>(j.data);
      const float inv = 1.0f / static_cast<float>(s.size);
      for (int64_t i = 0; i < j.length; i++) f[i] *= inv;
    }
  }
  return "";
}

std::string run_init() {
  State& s = state();
  int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &s.provided);
  if (rc != MPI_SUCCESS) return mpi_error("MPI_Init_thread", rc);
  // Errors return codes (turned into JS errors) instead of aborting the job.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  // A private communicator: other MPI users in the process cannot interleave.
  rc = MPI_Comm_dup(MPI_COMM_WORLD, &s.comm);
  if (rc != MPI_SUCCESS) return mpi_error("MPI_Comm_dup", rc);
  MPI_Comm_set_errhandler(s.comm, MPI_ERRORS_RETURN);
  MPI_Comm_rank(s.comm, &s.rank);
  MPI_Comm_size(s.comm, &s.size);
  return "";
}

void post_to_js(const std::shared_ptr<Job>& job);
void bucket_done(BucketPlan* plan);

// Waits for the next job: polls `queued` for spin_ns first (yielding the
// core between polls), then sleeps on the condition variable.
std::shared_ptr<Job> next_job() {
  State& s = state();
  if (s.spin_ns > 0) {
    const uint64_t seen = s.queued.load(std::memory_order_acquire);
    bool empty;
    {
      std::lock_guard<std::mutex> lock(s.mu);
      empty = s.queue.empty();
    }
    if (empty) {
      const Clock::time_point until = Clock::now() + std::chrono::nanoseconds(s.spin_ns);
      while (s.queued.load(std::memory_order_acquire) == seen && Clock::now() < until) sched_yield();
    }
  }
  std::unique_lock<std::mutex> lock(s.mu);
  s.cv.wait(lock, [&] { return !s.queue.empty(); });
  std::shared_ptr<Job> job = s.queue.front();
  s.queue.pop_front();
  if (job->kind == Kind::quit) return job;
  s.current = job;
  ++s.current_seq;
  s.deadline = Clock::now() + std::chrono::milliseconds(job->timeout_ms);
  const bool wake = s.watchdog_idle || s.deadline < s.watching_until;
  lock.unlock();
  if (wake) s.watch_cv.notify_all();
  return job;
}

void mpi_thread_main() {
  State& s = state();
  for (;;) {
    std::shared_ptr<Job> job = next_job();
    if (job->kind == Kind::quit) return;
    s.st_jobs.fetch_add(1, std::memory_order_relaxed);
    s.st_wait_ns.fetch_add(ns_since(job->queued_at), std::memory_order_relaxed);
    std::string err;
    if (s.broken.load()) {
      std::lock_guard<std::mutex> lock(s.mu);
      err = "the MPI communicator is unusable after an earlier failure (" + s.broken_reason + ")";
    } else {
      try {
        if (job->kind == Kind::init) err = run_init();
        else if (job->kind == Kind::finalize) {
          MPI_Comm_free(&s.comm);
          int rc = MPI_Finalize();
          if (rc != MPI_SUCCESS) err = mpi_error("MPI_Finalize", rc);
        } else if (job->kind != Kind::fence) err = run_collective(*job);
      } catch (const std::exception& e) {
        err = e.what();
      }
    }
    bool last = job->kind == Kind::finalize;
    {
      std::lock_guard<std::mutex> lock(s.mu);
      s.current.reset();
      if (!err.empty() && job->kind != Kind::finalize && !s.broken.load() && err.find("ranks disagree") == std::string::npos) {
        // An MPI error leaves the communicator in an unknown state.
        s.broken_reason = err;
        s.broken.store(true);
      }
    }
    // No wake-up for the watchdog: it finds the job gone at its deadline.
    if (!job->claimed.exchange(true)) {
      if (job->kind == Kind::bucket) {
        bucket_done(job->plan);  // no Promise: a failure shows at the fence (broken)
      } else {
        job->error = err;
        post_to_js(job);
      }
    }
    if (last) return;
  }
}

void watchdog_main() {
  State& s = state();
  std::unique_lock<std::mutex> lock(s.mu);
  while (!s.stop_watchdog) {
    if (!s.current) {
      s.watchdog_idle = true;
      s.watch_cv.wait(lock, [&] { return s.stop_watchdog || s.current != nullptr; });
      s.watchdog_idle = false;
      continue;
    }
    // Sleep toward this job's deadline; a later job with a later deadline
    // needs no wake-up (the loop moves on to it when this one is found gone).
    const uint64_t seq = s.current_seq;
    const Clock::time_point until = s.deadline;
    s.watching_until = until;
    s.watch_cv.wait_until(lock, until, [&] { return s.stop_watchdog || (s.current_seq != seq && s.current && s.deadline < until); });
    s.watching_until = Clock::time_point::max();
    if (s.stop_watchdog || !s.current || s.current_seq != seq || Clock::now() < until) continue;
    std::shared_ptr<Job> job = s.current;
    // The MPI call is still blocked past its deadline: a peer died or hangs.
    if (job->claimed.exchange(true)) continue;
    job->timed_out = true;
    job->error = std::string(kind_name(job->kind)) + " timed out after " + std::to_string(job->timeout_ms) +
                 " ms on rank " + std::to_string(s.rank) +
                 ": a peer rank has died, hangs, or is not calling the same collective; the MPI communicator is now unusable, exit this process";
    s.broken_reason = job->error;
    s.broken.store(true);
    // A bucket has no Promise (and its plan stays pinned: pending never drops).
    if (job->kind != Kind::bucket) post_to_js(job);
    // The jobs queued behind it will never run: fail them now.
    while (!s.queue.empty()) {
      std::shared_ptr<Job> q = s.queue.front();
      s.queue.pop_front();
      if (q->kind == Kind::quit || q->kind == Kind::bucket || q->claimed.exchange(true)) continue;
      q->drained = true;
      q->error = std::string(kind_name(q->kind)) + " was not run: " + job->error;
      post_to_js(q);
    }
    s.current.reset();  // the MPI thread stays blocked; nothing more to watch
  }
}

// --- JS thread --------------------------------------------------------------

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

int64_t timeout_arg(const Napi::Value& v) {
  if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), "'timeoutMs' must be a number");
  double t = v.As<Napi::Number>().DoubleValue();
  if (!(t >= 1 && t <= 1e9) || t != static_cast<double>(static_cast<int64_t>(t))) {
    throw Napi::RangeError::New(v.Env(), "'timeoutMs' must be an integer in [1, 1e9]");
  }
  return static_cast<int64_t>(t);
}

// Any thread: appends jobs to the MPI thread's queue, in order.
void enqueue(const std::vector<std::shared_ptr<Job>>& jobs) {
  State& s = state();
  const Clock::time_point now = Clock::now();
  {
    std::lock_guard<std::mutex> lock(s.mu);
    for (const auto& j : jobs) {
      j->queued_at = now;
      s.queue.push_back(j);
    }
  }
  s.queued.fetch_add(1, std::memory_order_release);
  s.cv.notify_one();
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

void require_owner(Napi::Env env, const char* what) {
  State& s = state();
  if (!s.started.load()) throw Napi::Error::New(env, std::string("simdtrain/distributed: ") + what + " before init(): call `await init()` first");
  if (s.owner != static_cast<napi_env>(env)) throw Napi::Error::New(env, std::string("simdtrain/distributed: ") + what + ": MPI belongs to another thread (Worker) of this process");
  if (!s.ready && !s.finalized.load()) throw Napi::Error::New(env, std::string("simdtrain/distributed: ") + what + " before init() resolved: `await init()` first");
  if (s.finalized.load()) throw Napi::Error::New(env, std::string("simdtrain/distributed: ") + what + " after finalize()");
}

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

// (array, dtype code checked) -> Job with data pinned.
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

// A job without a buffer: (timeoutMs).
std::shared_ptr<Job> plain_job(const Napi::CallbackInfo& info, Kind kind, const char* what) {
  require_owner(info.Env(), what);
  auto job = std::make_shared<Job>();
  job->kind = kind;
  job->timeout_ms = timeout_arg(info[0]);
  return job;
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

const napi_type_tag kHookTag = {simdtrain::abi::kGradHookTagLower, simdtrain::abi::kGradHookTagUpper};

// makeGradHook(grads: Float32Array, layout: Float64Array of [offset, length, readyAt] per bucket, timeoutMs)
//   -> a frozen, type-tagged { table: External } for NnPlan.trainStep and reduceBuckets.
// Buckets are launched in layout order: readyAt must not increase; ranges lie
// inside the arena, are non-empty, at most 2^30 floats and do not overlap.
Napi::Value MakeGradHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require_owner(env, "makeGradHook");
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(env, "makeGradHook: 'grads' must be a Float32Array");
  }
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, "makeGradHook: 'layout' must be a Float64Array of [offset, length, readyAt] triples");
  }
  const int64_t timeout = timeout_arg(info[2]);
  Napi::Float32Array grads = info[0].As<Napi::Float32Array>();
  Napi::Float64Array layout = info[1].As<Napi::Float64Array>();
  const int64_t n = static_cast<int64_t>(grads.ElementLength());
  if (layout.ElementLength() % 3 != 0) throw Napi::RangeError::New(env, "makeGradHook: 'layout' length must be a multiple of 3");
  auto plan = std::make_unique<BucketPlan>();
  const double* l = layout.Data();
  const size_t count = layout.ElementLength() / 3;
  for (size_t i = 0; i < count; i++) {
    const double off = l[3 * i], len = l[3 * i + 1], at = l[3 * i + 2];
    const bool ints = off == std::floor(off) && len == std::floor(len) && at == std::floor(at);
    if (!ints || !(off >= 0) || !(len >= 1) || !(len <= static_cast<double>(kChunk)) || !(off + len <= static_cast<double>(n)) || !(at >= 0 && at < 2147483648.0)) {
      throw Napi::RangeError::New(env, "makeGradHook: bucket " + std::to_string(i) + " of 'layout' is not integer offset >= 0, length in [1, 2^30] inside 'grads', readyAt in [0, 2^31)");
    }
    if (i > 0 && at > static_cast<double>(plan->buckets.back().ready_at)) {
      throw Napi::RangeError::New(env, "makeGradHook: 'layout' readyAt must not increase from one bucket to the next (launch order)");
    }
    plan->buckets.push_back({static_cast<int64_t>(off), static_cast<int64_t>(len), static_cast<int64_t>(at)});
  }
  std::vector<Bucket> sorted = plan->buckets;
  std::sort(sorted.begin(), sorted.end(), [](const Bucket& a, const Bucket& b) { return a.offset < b.offset; });
  for (size_t i = 1; i < sorted.size(); i++) {
    if (sorted[i].offset < sorted[i - 1].offset + sorted[i - 1].length) throw Napi::RangeError::New(env, "makeGradHook: buckets of 'layout' overlap");
  }
  plan->data = n ? grads.Data() : nullptr;
  plan->timeout_ms = timeout;
  plan->keep = Napi::Persistent(grads.As<Napi::Object>());
  plan->table.abi = simdtrain::abi::kGradHookAbi;
  plan->table.size = sizeof(simdtrain::abi::GradHookTable);
  plan->table.ready = on_grads_ready;
  plan->table.ctx = plan.get();
  BucketPlan* raw = plan.release();
  Napi::External<simdtrain::abi::GradHookTable> table = Napi::External<simdtrain::abi::GradHookTable>::New(
      env, &raw->table, [raw](Napi::Env, simdtrain::abi::GradHookTable*) {
        // Buckets still queued or running (a failed step, a timeout) may write
        // into the arena: keep everything pinned for good.
        if (raw->pending.load() != 0) {
          abandoned_plans().push_back(raw);
          return;
        }
        raw->keep.Reset();
        delete raw;
      });
  Napi::Object hook = Napi::Object::New(env);
  hook.Set("table", table);
  hook.Set("buckets", Napi::Number::New(env, static_cast<double>(count)));
  if (napi_type_tag_object(env, hook, &kHookTag) != napi_ok) throw Napi::Error::New(env, "makeGradHook: napi_type_tag_object failed");
  hook.Freeze();
  return hook;
}

BucketPlan* hook_plan(Napi::Env env, const Napi::Value& v, const char* what) {
  bool tagged = false;
  if (!v.IsObject() || napi_check_object_type_tag(env, v, &kHookTag, &tagged) != napi_ok || !tagged) {
    throw Napi::TypeError::New(env, std::string(what) + ": 'hook' must come from makeGradHook");
  }
  Napi::Value table = v.As<Napi::Object>().Get("table");
  if (table.Type() != napi_external) throw Napi::TypeError::New(env, std::string(what) + ": 'hook' must come from makeGradHook");
  return static_cast<BucketPlan*>(table.As<Napi::External<simdtrain::abi::GradHookTable>>().Data()->ctx);
}

// reduceBuckets(hook, timeoutMs) -> Promise: queues the buckets the backward
// pass has not launched, then a fence that resolves once every bucket of this
// step is summed over the ranks. Await it before the next backward pass.
Napi::Value ReduceBuckets(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require_owner(env, "reduceBuckets");
  BucketPlan* p = hook_plan(env, info[0], "reduceBuckets");
  const int64_t timeout = timeout_arg(info[1]);
  if (!p->buckets.empty() && p->keep.Value().As<Napi::Float32Array>().Data() != p->data) {
    throw Napi::Error::New(env, "reduceBuckets: the gradient arena was detached or moved");
  }
  auto fence = std::make_shared<Job>();
  fence->kind = Kind::fence;
  fence->timeout_ms = timeout;
  fence->keep = Napi::Persistent(info[0].As<Napi::Object>());  // the plan lives until the fence settles
  std::lock_guard<std::mutex> lock(p->mu);
  if (!state().broken.load()) launch_ready(p, 0);
  p->launched = 0;  // the next step starts over
  return submit(env, fence);
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

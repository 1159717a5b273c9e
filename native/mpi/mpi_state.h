// simdtrain_mpi's shared state: the job record, the one global State, and
// the constants every part of the addon agrees on.
//
// Threading (MPI_THREAD_FUNNELED): one dedicated thread calls MPI_Init_thread
// and every later MPI function, in the order the jobs were queued, so
// collectives are issued in program order on every rank. The JS thread only
// queues jobs and settles Promises (js_promises.cc). A watchdog thread fails
// the job in flight when it outlives its timeout (watchdog.cc).
#pragma once

#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#include <napi.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace simdtrain_mpi {

using Clock = std::chrono::steady_clock;

enum class Kind : int { init = 0, allreduce = 1, broadcast = 2, barrier = 3, finalize = 4, quit = 5, bucket = 6, fence = 7 };
enum DType : int { kF32 = 0, kF64 = 1 };
enum ReduceOp : int { kSum = 0, kMean = 1 };

// MPI counts are ints: longer arrays go in chunks of 2^30 elements.
constexpr int64_t kChunk = int64_t(1) << 30;

// The operation's name in error messages.
const char* kind_name(Kind k);

uint64_t ns_since(Clock::time_point t);

struct Job {
  Kind kind = Kind::barrier;
  std::atomic<int64_t>* pending = nullptr;  // bucket jobs: their plan's count of buckets queued or running
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

State& state();

// Jobs whose buffers must stay pinned forever (their MPI call never returned).
std::vector<std::shared_ptr<Job>>& abandoned();

}  // namespace simdtrain_mpi

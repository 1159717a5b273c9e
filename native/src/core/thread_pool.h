// A small pool of persistent worker threads (no OpenMP), shared by all kernels.
//
// run(tasks, fn) calls fn(task) for every task in [0, tasks) spread over the
// workers plus the calling thread, and returns when all are done. Only one job
// runs on the pool at a time: a caller that finds the pool busy (another
// thread's job, or a nested call from inside a task) runs its tasks itself, so
// concurrent or nested use can never deadlock.
//
// run_team(want, fn) is for algorithms whose threads wait for each other
// (TeamBarrier): it guarantees that the `team` members fn(0..team-1, team)
// run at the same time on distinct threads, or it runs fn(0, 1) alone.
//
// Waiting (workers between jobs, the caller at the end of a job, barriers)
// spins briefly with `pause` and yields the core every few dozen spins, then
// sleeps. When more threads are asked for than the process may run on
// (oversubscription), waits do not spin at all: a spinning thread would take
// the core that the thread it waits for needs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>

namespace simdtrain {

// Threads used by parallel kernels, including the calling thread. Default:
// the CPUs this process may run on.
int get_num_threads();
// Sets the thread count (1 = run everything on the calling thread). n >= 1.
void set_num_threads(int n);
// CPUs this process may run on (its affinity mask; hardware_concurrency
// where that is unknown). At least 1.
int available_cpus();
// get_num_threads() capped at available_cpus(): what compute-bound kernels
// should split over (more threads than cores only adds hand-offs).
int usable_threads();
// Tests only: lets usable_threads() exceed available_cpus(), so that a
// 2-core machine can run 4- and 7-thread GEMM teams.
void allow_oversubscription(bool allow);

void run_parallel(size_t tasks, const std::function<void(size_t)>& fn);

// See above. `want` is capped at get_num_threads(); fn must not throw.
void run_team(size_t want, const std::function<void(size_t tid, size_t team)>& fn);

// Reusable barrier for the members of one run_team job (or a subset of them).
class TeamBarrier {
 public:
  explicit TeamBarrier(size_t parties = 1) : parties_(parties) {}
  TeamBarrier(const TeamBarrier&) = delete;
  TeamBarrier& operator=(const TeamBarrier&) = delete;
  void reset(size_t parties) { parties_ = parties; }
  // Returns once all `parties` threads have called wait() for this round.
  void wait();

 private:
  size_t parties_;
  std::atomic<size_t> arrived_{0};
  std::atomic<unsigned> round_{0};
  std::atomic<int> sleepers_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
};

// Splits [0, n) into contiguous ranges of at least `min_per_task` elements,
// at most one per usable thread, and calls fn(begin, end) for each. Runs
// inline when there is only one range.
template <class Fn>
void parallel_for(size_t n, size_t min_per_task, Fn&& fn) {
  size_t threads = static_cast<size_t>(usable_threads());
  if (min_per_task == 0) min_per_task = 1;
  size_t tasks = n / min_per_task;
  if (tasks > threads) tasks = threads;
  if (tasks <= 1) {
    if (n) fn(size_t{0}, n);
    return;
  }
  run_parallel(tasks, [&](size_t t) {
    const size_t begin = n * t / tasks;
    const size_t end = n * (t + 1) / tasks;
    if (begin < end) fn(begin, end);
  });
}

}  // namespace simdtrain

// A small pool of persistent worker threads (no OpenMP), shared by all kernels.
//
// run(tasks, fn) calls fn(task) for every task in [0, tasks) spread over the
// workers plus the calling thread, and returns when all are done. Only one job
// runs on the pool at a time: a caller that finds the pool busy (another
// thread's job, or a nested call from inside a task) runs its tasks itself, so
// concurrent or nested use can never deadlock.
#pragma once

#include <cstddef>
#include <functional>

namespace simdtrain {

// Threads used by parallel kernels, including the calling thread. Default:
// std::thread::hardware_concurrency().
int get_num_threads();
// Sets the thread count (1 = run everything on the calling thread). n >= 1.
void set_num_threads(int n);

void run_parallel(size_t tasks, const std::function<void(size_t)>& fn);

// Splits [0, n) into contiguous ranges of at least `min_per_task` elements,
// at most one per thread, and calls fn(begin, end) for each. Runs inline when
// there is only one range.
template <class Fn>
void parallel_for(size_t n, size_t min_per_task, Fn&& fn) {
  size_t threads = static_cast<size_t>(get_num_threads());
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

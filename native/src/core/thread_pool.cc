#include "thread_pool.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

namespace simdtrain {
namespace {

// After a job, workers (and the caller waiting for them) spin this long
// before sleeping on the condition variable: the GEMMs of a training step
// come back to back, and a futex wake-up on a VM costs tens of microseconds,
// more than a whole 128x128x256 product. The spin yields the core every 64
// pauses, so on a loaded machine a runnable thread gets it at once.
constexpr std::chrono::microseconds kSpin{100};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

int count_cpus() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

// Spins until `ready()` or `budget` has passed; returns ready().
template <class Ready>
bool spin_until(Ready ready, std::chrono::microseconds budget) {
  if (budget.count() == 0) return ready();
  const auto deadline = std::chrono::steady_clock::now() + budget;
  for (unsigned i = 1;; ++i) {
    if (ready()) return true;
    if ((i & 63) == 0) {
      if (std::chrono::steady_clock::now() > deadline) return ready();
      std::this_thread::yield();
    }
    cpu_relax();
  }
}

class ThreadPool {
 public:
  ThreadPool() : cpus_(count_cpus()) { target_threads_ = cpus_; }

  ~ThreadPool() { stop_workers(); }

  int num_threads() const { return target_threads_.load(); }
  int cpus() const { return cpus_; }

  // No spinning when the pool has more threads than the process has CPUs.
  std::chrono::microseconds spin_budget() const {
    return target_threads_.load(std::memory_order_relaxed) > cpus_ ? std::chrono::microseconds{0} : kSpin;
  }

  void set_num_threads(int n) {
    std::lock_guard<std::mutex> job_lock(job_mutex_);  // never resize mid-job
    stop_workers();
    target_threads_ = n < 1 ? 1 : n;
  }

  void run(size_t tasks, const std::function<void(size_t)>& fn) {
    std::unique_lock<std::mutex> job_lock(job_mutex_, std::try_to_lock);
    if (!job_lock.owns_lock() || tasks <= 1 || target_threads_ <= 1) {
      for (size_t t = 0; t < tasks; ++t) fn(t);
      return;
    }
    run_locked(tasks, fn);
  }

  void run_team(size_t want, const std::function<void(size_t, size_t)>& fn) {
    std::unique_lock<std::mutex> job_lock(job_mutex_, std::try_to_lock);
    const size_t team = std::min(want, static_cast<size_t>(target_threads_.load()));
    if (!job_lock.owns_lock() || team <= 1) {
      fn(0, 1);
      return;
    }
    // team <= workers + caller, and a thread claims a second task only after
    // finishing its first: every member gets its own thread.
    run_locked(team, [&](size_t t) { fn(t, team); });
  }

 private:
  void run_locked(size_t tasks, const std::function<void(size_t)>& fn) {
    ensure_workers();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &fn;
      job_tasks_ = tasks;
      next_task_.store(0);
      pending_ = tasks;
      finished_.store(false, std::memory_order_relaxed);
      generation_.store(generation_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }
    // Wake only the workers the job needs (a sleeping pool of 15 woken for a
    // 2-task job would fight over the mutex and the cores); spinning
    // workers see the new generation by themselves.
    const size_t wake = std::min(tasks - 1, workers_.size());
    for (size_t i = 0; i < wake; ++i) wake_.notify_one();
    work_on_current_job();
    spin_until([&] { return finished_.load(std::memory_order_acquire); }, spin_budget());
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0 && active_ == 0; });
    job_ = nullptr;
  }

  void ensure_workers() {
    const size_t wanted = static_cast<size_t>(target_threads_.load()) - 1;
    while (workers_.size() < wanted) {
      workers_.emplace_back([this, seen = generation_.load()]() mutable { worker_loop(seen); });
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
  }

  void worker_loop(unsigned long seen) {
    for (;;) {
      spin_until([&] { return generation_.load(std::memory_order_acquire) != seen || stopping_.load(); },
                 spin_budget());
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_.load() != seen; });
        if (stopping_) return;
        seen = generation_.load();
      }
      work_on_current_job();
    }
  }

  // Claims tasks of the current job until none are left.
  void work_on_current_job() {
    const std::function<void(size_t)>* job;
    size_t tasks;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job = job_;
      tasks = job_tasks_;
      if (!job) return;
      ++active_;  // run() waits for us, so `job` stays valid while we hold it
    }
    size_t finished = 0;
    for (size_t t; (t = next_task_.fetch_add(1)) < tasks;) {
      (*job)(t);
      ++finished;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    pending_ -= finished;
    --active_;
    if (pending_ == 0 && active_ == 0) {
      finished_.store(true, std::memory_order_release);
      done_.notify_all();
    }
  }

  const int cpus_;
  std::atomic<int> target_threads_{1};
  std::mutex job_mutex_;  // one job at a time
  std::mutex mutex_;      // guards the fields below
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  const std::function<void(size_t)>* job_ = nullptr;
  size_t job_tasks_ = 0;
  size_t pending_ = 0;  // tasks not yet finished
  size_t active_ = 0;   // threads currently holding the job pointer
  // Written under mutex_, also read without it by spinning threads.
  std::atomic<unsigned long> generation_{0};
  std::atomic<bool> finished_{false};      // the current job's tasks are all done
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> next_task_{0};
};

ThreadPool& pool() {
  // Leaked on purpose: joining threads from a static destructor at process
  // exit can deadlock, and the OS reclaims them anyway.
  static ThreadPool* instance = new ThreadPool();
  return *instance;
}

}  // namespace

int get_num_threads() { return pool().num_threads(); }
void set_num_threads(int n) { pool().set_num_threads(n); }
int available_cpus() { return pool().cpus(); }
std::atomic<bool> g_oversubscribe{false};
int usable_threads() {
  return g_oversubscribe.load(std::memory_order_relaxed) ? pool().num_threads()
                                                         : std::min(pool().num_threads(), pool().cpus());
}
void allow_oversubscription(bool allow) { g_oversubscribe = allow; }
void run_parallel(size_t tasks, const std::function<void(size_t)>& fn) { pool().run(tasks, fn); }
void run_team(size_t want, const std::function<void(size_t, size_t)>& fn) { pool().run_team(want, fn); }

void TeamBarrier::wait() {
  if (parties_ <= 1) return;
  const unsigned round = round_.load(std::memory_order_acquire);
  if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == parties_) {
    arrived_.store(0, std::memory_order_relaxed);
    round_.store(round + 1, std::memory_order_seq_cst);  // releases the others
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      { std::lock_guard<std::mutex> lock(mutex_); }  // a sleeper is inside wait() or sees the new round
      cv_.notify_all();
    }
    return;
  }
  auto released = [&] { return round_.load(std::memory_order_acquire) != round; };
  if (spin_until(released, pool().spin_budget())) return;
  std::unique_lock<std::mutex> lock(mutex_);
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  while (round_.load(std::memory_order_seq_cst) == round) cv_.wait(lock);
  sleepers_.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace simdtrain

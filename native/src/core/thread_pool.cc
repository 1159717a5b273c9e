#include "thread_pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace simdtrain {
namespace {

// After a job, workers (and the caller waiting for them) spin this long
// before sleeping on the condition variable: the GEMMs of a training step
// come back to back, and a futex wake-up on a VM costs tens of microseconds,
// more than a whole 128x128x256 product. Short enough not to matter to
// anything else on the machine.
constexpr std::chrono::microseconds kSpin{100};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins until `ready()` or kSpin has passed; returns ready().
template <class Ready>
bool spin_until(Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (unsigned i = 0;; ++i) {
    if (ready()) return true;
    if ((i & 63) == 0 && std::chrono::steady_clock::now() > deadline) return ready();
    cpu_relax();
  }
}

class ThreadPool {
 public:
  ThreadPool() {
    unsigned hw = std::thread::hardware_concurrency();
    target_threads_ = hw == 0 ? 1 : static_cast<int>(hw);
  }

  ~ThreadPool() { stop_workers(); }

  int num_threads() const { return target_threads_.load(); }

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
    wake_.notify_all();
    work_on_current_job();
    spin_until([&] { return finished_.load(std::memory_order_acquire); });
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0 && active_ == 0; });
    job_ = nullptr;
  }

 private:
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
      spin_until([&] { return generation_.load(std::memory_order_acquire) != seen || stopping_.load(); });
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
void run_parallel(size_t tasks, const std::function<void(size_t)>& fn) { pool().run(tasks, fn); }

}  // namespace simdtrain

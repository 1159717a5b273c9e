#include "job_queue.h"

#include <sched.h>

namespace simdtrain_mpi {

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
      // Poll, yielding the core between polls.
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

}  // namespace simdtrain_mpi

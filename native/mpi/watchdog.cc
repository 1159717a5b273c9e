#include "watchdog.h"

#include "js_promises.h"
#include "mpi_state.h"

namespace simdtrain_mpi {

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

}  // namespace simdtrain_mpi

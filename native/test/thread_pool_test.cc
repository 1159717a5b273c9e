// The thread pool runs every task exactly once, including when called from
// several threads at once and from inside a task (no deadlock).
#include <atomic>
#include <thread>
#include <vector>

#include "../src/core/thread_pool.h"
#include "test_framework.h"

TEST(thread_pool_runs_each_task_once) {
  for (int threads : {1, 2, 4}) {
    simdtrain::set_num_threads(threads);
    std::vector<std::atomic<int>> hits(1000);
    simdtrain::run_parallel(hits.size(), [&](size_t t) { hits[t]++; });
    for (auto& h : hits) CHECK(h.load() == 1);
  }
  simdtrain::set_num_threads(2);
}

TEST(thread_pool_nested_and_concurrent_calls_complete) {
  simdtrain::set_num_threads(2);
  std::atomic<long> total{0};
  auto job = [&] {
    for (int rep = 0; rep < 200; ++rep) {
      simdtrain::run_parallel(4, [&](size_t) {
        simdtrain::run_parallel(3, [&](size_t) { total++; });  // nested: runs inline
      });
    }
  };
  std::thread a(job), b(job);
  a.join();
  b.join();
  CHECK(total.load() == 2L * 200 * 4 * 3);
}

TEST(parallel_for_covers_range_exactly) {
  simdtrain::set_num_threads(2);
  for (size_t n : {size_t{0}, size_t{1}, size_t{5}, size_t{100000}, size_t{1000003}}) {
    std::vector<std::atomic<int>> hits(n);
    simdtrain::parallel_for(n, 1000, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) hits[i]++;
    });
    bool all_once = true;
    for (auto& h : hits) all_once = all_once && h.load() == 1;
    CHECK(all_once);
  }
}

TEST(run_team_members_run_together_and_barrier_orders_rounds) {
  // A barrier only works if every member has its own thread: with 5 members
  // on a 2-CPU machine too (oversubscribed), and rounds never overlap.
  for (int threads : {1, 2, 5}) {
    simdtrain::set_num_threads(threads);
    for (int rep = 0; rep < 20; ++rep) {
      simdtrain::TeamBarrier barrier(static_cast<size_t>(threads));
      std::atomic<int> in_round{0};
      std::atomic<bool> overlap{false};
      std::atomic<size_t> team_seen{0};
      simdtrain::run_team(static_cast<size_t>(threads), [&](size_t, size_t team) {
        team_seen = team;
        if (team != static_cast<size_t>(threads)) return;
        for (int round = 0; round < 50; ++round) {
          in_round++;
          barrier.wait();
          if (in_round.load() != threads * (round + 1)) overlap = true;  // everyone arrived, nobody ahead
          barrier.wait();
        }
      });
      CHECK(team_seen.load() == static_cast<size_t>(threads));
      CHECK(!overlap.load());
    }
  }
  simdtrain::set_num_threads(2);
}

TEST(run_team_nested_or_busy_runs_alone) {
  simdtrain::set_num_threads(3);
  std::atomic<int> inner_alone{0};
  simdtrain::run_team(3, [&](size_t, size_t) {
    simdtrain::run_team(3, [&](size_t tid, size_t team) {
      if (tid == 0 && team == 1) inner_alone++;
    });
  });
  CHECK(inner_alone.load() == 3);
  simdtrain::set_num_threads(2);
}

TEST(usable_threads_never_exceed_the_cpus_unless_allowed) {
  simdtrain::set_num_threads(simdtrain::available_cpus() * 4);
  CHECK(simdtrain::usable_threads() == simdtrain::available_cpus());
  simdtrain::allow_oversubscription(true);
  CHECK(simdtrain::usable_threads() == simdtrain::available_cpus() * 4);
  simdtrain::allow_oversubscription(false);
  simdtrain::set_num_threads(2);
}

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

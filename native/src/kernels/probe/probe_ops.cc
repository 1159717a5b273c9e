#include "probe_ops.h"

#include <atomic>
#include <chrono>
#include <vector>

#include "../../core/thread_pool.h"
#include "probe_table.h"

namespace simdtrain {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Keeps the probe's result observable so the compiler cannot drop the loop.
std::atomic<float> g_sink{0.0f};

}  // namespace

double fma_peak_gflops(size_t threads, double seconds) {
  const ProbeKernels& k = SIMDTRAIN_PICK(kProbeKernels);
  // Rounds of about half a millisecond, shorter than a scheduler time slice,
  // so that on a busy machine the best of many rounds still saw the core alone.
  size_t iterations = 1 << 10;
  for (;;) {
    const auto t0 = Clock::now();
    g_sink.store(k.fma_chains(iterations), std::memory_order_relaxed);
    if (seconds_since(t0) >= 5e-4 || iterations >= (size_t{1} << 40)) break;
    iterations *= 2;
  }
  // Every team member runs the same round at once; the best round counts.
  double best = 0.0;
  const auto start = Clock::now();
  do {
    size_t ran_on = 1;
    const auto t0 = Clock::now();
    run_team(threads, [&](size_t tid, size_t team) {
      const float r = k.fma_chains(iterations);
      if (tid == 0) {
        ran_on = team;
        g_sink.store(r, std::memory_order_relaxed);
      }
    });
    const double s = seconds_since(t0);
    const double flops = 2.0 * kFmaChains * static_cast<double>(k.lanes) * static_cast<double>(iterations) * static_cast<double>(ran_on);
    if (s > 0 && flops / s / 1e9 > best) best = flops / s / 1e9;
  } while (seconds_since(start) < seconds);
  return best;
}

}  // namespace simdtrain

// Per-algorithm convolution timings in one C++ process (no Node-API call):
// each pass (forward, input gradient, filter gradient) of each shape under
// each algorithm conv2d can run it with (im2col + SGEMM, direct rows,
// Winograd with F(2x2, 3x3) or F(4x4, 3x3) tiles, "winograd" / "winograd4"),
// alternating algorithms round by round so all see
// the same host noise. bench/conv.bench.js builds and runs it; it prints
// one JSON object:
//   conv_algo_bench <threads> <min_seconds> <rounds> B,H,W,C,O,k,stride,pad [...]
// Each figure is the best over rounds of the median seconds per call, with
// the algorithm conv2d actually ran (a forced one that does not apply falls
// back to conv2d's own choice, reported as such). On 1 thread it also gives
// the calling thread's CPU seconds (cpu_seconds) and the FMA peak per CPU
// second of the library's own probe kernel (peak_cpu_gflops): on a machine
// other jobs load, those count only the time the work was on a core.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "../../native/src/core/thread_pool.h"
#include "../../native/src/kernels/conv/conv2d.h"
#include "../../native/src/kernels/conv/conv_winograd_path.h"
#include "../../native/src/kernels/probe/probe_table.h"

using namespace simdtrain;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

std::vector<float> random_floats(size_t n, unsigned seed) {
  std::vector<float> p(n);
  unsigned x = seed;
  for (auto& v : p) {
    x = x * 1664525u + 1013904223u;
    v = static_cast<float>(x >> 8) / 16777216.0f - 0.5f;
  }
  return p;
}

double thread_cpu() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct Times {
  double wall, cpu;
};

// Medians of wall and calling-thread CPU seconds per call.
template <class Fn>
Times median_seconds(Fn&& fn, double min_seconds) {
  fn();
  std::vector<double> t, c;
  const double start = now();
  while (t.size() < 5 || (now() - start < min_seconds && t.size() < 200)) {
    const double t0 = now(), c0 = thread_cpu();
    fn();
    c.push_back(thread_cpu() - c0);
    t.push_back(now() - t0);
  }
  std::sort(t.begin(), t.end());
  std::sort(c.begin(), c.end());
  return {t[t.size() / 2], c[c.size() / 2]};
}

// The active ISA's FMA probe, per second of this thread's CPU time (best of 9).
double peak_cpu_gflops() {
  const auto& k = SIMDTRAIN_PICK(kProbeKernels);
  const size_t iterations = 2000000;
  double best = 0;
  volatile float sink = 0;
  for (int i = 0; i < 9; ++i) {
    const double c0 = thread_cpu();
    sink = sink + k.fma_chains(iterations);
    const double s = thread_cpu() - c0;
    best = std::max(best, 2.0 * kFmaChains * static_cast<double>(k.lanes) * iterations / s / 1e9);
  }
  return best;
}

const char* name(ConvAlgo a);

// What each column forces: an algorithm and Winograd's output tile (0: the rule).
struct Variant {
  ConvAlgo algo;
  size_t tile;
  const char* asked;
};
constexpr Variant kVariants[] = {{ConvAlgo::automatic, 0, "automatic"},
                                 {ConvAlgo::im2col, 0, "im2col"},
                                 {ConvAlgo::direct, 0, "direct"},
                                 {ConvAlgo::winograd, 2, "winograd"},
                                 {ConvAlgo::winograd, 4, "winograd4"}};
constexpr int kNumVariants = sizeof(kVariants) / sizeof(kVariants[0]);

void force(const Variant& v) {
  conv2d_force_algorithm(v.algo);
  winograd_force_tile(v.tile);
}

// The name of what ran in pass p (0 forward, 1 input gradient, 2 filter
// gradient): Winograd with F(4x4, 3x3) tiles is "winograd4".
const char* ran_name(const Conv2dShape& s, int p, ConvAlgo ran) {
  if (ran != ConvAlgo::winograd) return name(ran);
  return (p == 1 ? winograd_input_tile(s) : winograd_forward_tile(s)) == 4 ? "winograd4" : "winograd";
}

const char* name(ConvAlgo a) {
  switch (a) {
    case ConvAlgo::im2col: return "im2col";
    case ConvAlgo::direct: return "direct";
    case ConvAlgo::winograd: return "winograd";
    case ConvAlgo::depthwise: return "depthwise";
    default: return "automatic";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: conv_algo_bench threads min_seconds rounds B,H,W,C,O,k,stride,pad ...\n");
    return 2;
  }
  set_num_threads(std::atoi(argv[1]));
  const double min_seconds = std::atof(argv[2]);
  const int rounds = std::atoi(argv[3]);
  std::printf("{\"threads\":%d,\"peak_cpu_gflops\":%.3f,\"results\":[", std::atoi(argv[1]), peak_cpu_gflops());
  bool first = true;
  for (int i = 4; i < argc; ++i) {
    size_t b, h, w, c, o, k, stride, pad;
    if (std::sscanf(argv[i], "%zu,%zu,%zu,%zu,%zu,%zu,%zu,%zu", &b, &h, &w, &c, &o, &k, &stride, &pad) != 8) return 2;
    Conv2dShape s;
    s.batch = b, s.in_h = h, s.in_w = w, s.in_c = c, s.out_c = o, s.kh = s.kw = k, s.stride_h = s.stride_w = stride;
    s.pad_top = s.pad_bottom = s.pad_left = s.pad_right = pad;
    if (conv2d_check(s)) return 2;
    const auto x = random_floats(s.x_size(), 1), wt = random_floats(s.w_size(), 2), bias = random_floats(o, 3),
               dy = random_floats(s.y_size(), 4);
    std::vector<float> y(s.y_size()), dx(s.x_size()), dw(s.w_size()), db(o), ws(conv2d_workspace_floats(s) + 1);
    double best[kNumVariants][3], best_cpu[kNumVariants][3];
    for (auto& r : best) std::fill(r, r + 3, 1e30);
    for (auto& r : best_cpu) std::fill(r, r + 3, 1e30);
    for (int round = 0; round < rounds; ++round)
      for (int a = 0; a < kNumVariants; ++a) {
        force(kVariants[a]);
        const Times m[3] = {
            median_seconds([&] { conv2d_forward(s, x.data(), wt.data(), bias.data(), Activation::relu, y.data(), ws.data()); }, min_seconds),
            median_seconds([&] { conv2d_backward_input(s, wt.data(), dy.data(), dx.data(), ws.data()); }, min_seconds),
            median_seconds([&] { conv2d_backward_filter(s, x.data(), dy.data(), dw.data(), db.data(), false, ws.data()); }, min_seconds)};
        for (int p = 0; p < 3; ++p) {
          best[a][p] = std::min(best[a][p], m[p].wall);
          best_cpu[a][p] = std::min(best_cpu[a][p], m[p].cpu);
        }
      }
    for (int a = 0; a < kNumVariants; ++a) {
      const Variant& v = kVariants[a];
      force(v);
      const ConvAlgo ran[3] = {conv2d_forward_algorithm(s), conv2d_input_algorithm(s), conv2d_filter_algorithm(s)};
      const char* pass[3] = {"forward", "input", "filter"};
      for (int p = 0; p < 3; ++p) {
        const char* r = ran_name(s, p, ran[p]);
        std::printf("%s{\"shape\":\"%s\",\"asked\":\"%s\",\"ran\":\"%s\",\"pass\":\"%s\",\"seconds\":%.9g,\"cpu_seconds\":%.9g}",
                    first ? "" : ",", argv[i], v.asked, r, pass[p], best[a][p], best_cpu[a][p]);
        first = false;
      }
    }
    force(kVariants[0]);
  }
  std::printf("]}\n");
  return 0;
}

// Adam with fp32 state against Adam with bf16 state, kernel only (the best
// ISA's table, one thread), beside plain streaming loops with the same memory
// traffic, all in ONE process in alternating rounds. Tells whether a step is
// bound by memory (close to its stream loop) or by compute (in cache as slow
// as at full size). bench/bf16_state.bench.js builds and runs it; it prints
// one JSON object:
//   optim_bf16_bench <n> <rounds>
// Figures are thread CPU seconds per element (median and minimum over the
// rounds): CPU time is what other processes on a shared machine disturb least.
//   stream28: read p, g, m, v (fp32), write p, m, v: Adam's 28 B/param, no math
//   stream20: the same with m, v as uint16: the bf16-state step's 20 B/param
//   copy8:    read one fp32 array, write another
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "../../native/src/kernels/optim/optim_table.h"
#include "../../native/src/simd/cpu_features.h"
#include "../../native/src/simd/dispatch.h"

using namespace simdtrain;

namespace {

double cpu_now() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// The stream loops, compiled for AVX2 where the CPU has it (same vector width
// as the Adam kernels here), else baseline.
#if defined(__x86_64__)
#define STREAM_AVX2 __attribute__((target("avx2")))
#else
#define STREAM_AVX2
#endif
STREAM_AVX2 __attribute__((noinline)) void stream28(float* p, const float* g, float* m, float* v, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float gi = g[i];
    m[i] += gi;
    v[i] += gi;
    p[i] -= gi;
  }
}
STREAM_AVX2 __attribute__((noinline)) void stream20(float* p, const float* g, uint16_t* m, uint16_t* v, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    m[i] = static_cast<uint16_t>(m[i] + 1);
    v[i] = static_cast<uint16_t>(v[i] + 1);
    p[i] -= g[i];
  }
}
STREAM_AVX2 __attribute__((noinline)) void copy8(float* d, const float* s, size_t n) {
  for (size_t i = 0; i < n; ++i) d[i] = s[i];
}

struct Stat {
  double med, min;
};
Stat stat(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front()};
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 9;
  const AdamFamilyKernels& k = SIMDTRAIN_PICK(kAdamFamilyKernels);
  std::vector<float> p(n, 0.5f), g(n, 0.01f), m(n, 0.0f), v(n, 0.0f), p2(n, 0.5f);
  std::vector<uint16_t> hm(n, 0), hv(n, 0);
  // Adam, lr 1e-3, betas 0.9 / 0.999, eps 1e-8, step 10 (c[] as optim_types.h).
  OptimScalars s;
  s.lr = 1e-3f;
  s.b1 = 0.9f;
  s.b2 = 0.999f;
  s.eps = 1e-8f;
  s.c[0] = 1.0f;
  s.c[1] = 0.1f;
  s.c[2] = 0.001f;
  s.c[3] = static_cast<float>(1e-3 / 0.6513215599);
  s.c[4] = static_cast<float>(0.0996);
  OptimScalars sb = s;
  sb.flags = kFlagBf16State;
  sb.rng_seed = 1;
  OptimSpan tf{p.data(), g.data(), m.data(), v.data(), nullptr};
  OptimSpan tb{p2.data(), g.data(), nullptr, nullptr, nullptr, hm.data(), hv.data(), nullptr, 0};
  const char* names[5] = {"adam_fp32", "adam_bf16", "stream28", "stream20", "copy8"};
  std::vector<double> t[5];
  auto run = [&](int which) {
    const double c0 = cpu_now();
    switch (which) {
      case 0: k.adam(s, tf, n); break;
      case 1: k.adam(sb, tb, n); ++sb.rng_step; break;
      case 2: stream28(p.data(), g.data(), m.data(), v.data(), n); break;
      case 3: stream20(p2.data(), g.data(), hm.data(), hv.data(), n); break;
      default: copy8(m.data(), v.data(), n); break;
    }
    return (cpu_now() - c0) / static_cast<double>(n);
  };
  for (int w = 0; w < 5; ++w) run(w);  // warm-up: page in, fill caches
  for (int r = 0; r < rounds; ++r) {
    for (int w = 0; w < 5; ++w) t[w].push_back(run(w));
  }
  std::printf("{\"n\": %zu, \"rounds\": %d, \"isa\": \"%s\", \"results\": [", n, rounds, isa_name(best_supported_isa()));
  for (int w = 0; w < 5; ++w) {
    const Stat st = stat(t[w]);
    std::printf("%s{\"name\": \"%s\", \"median\": %.6g, \"min\": %.6g}", w ? ", " : "", names[w], st.med, st.min);
  }
  std::printf("]}\n");
  return 0;
}

// FMA-throughput probe: the machine's measured single-precision peak.
// Runs many independent FMA chains held in registers (no memory traffic) on
// 1..T threads and prints JSON {"threads":[{"threads":n,"gflops":g},...]}.
// Built by bench/gemm.bench.js with -O2 -mavx512f -mfma (or -mavx2 -mfma with
// -DPROBE_AVX2); never tuned to the build host's CPU.
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef PROBE_AVX2
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
#define REDUCE(v) ((float*)&(v))[0]
#else
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define REDUCE(v) _mm512_reduce_add_ps(v)
#endif
// 16 chains > latency x pipes (4 x 2), so throughput-bound. The chain runs
// through the addend (acc = a*b + acc) as in a GEMM; chaining through a
// multiplicand is slower on Zen 5 and would understate the peak.
#define CHAINS 16
#define ITERS 50000000L

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static volatile float sink;

static void* run(void* arg) {
  long iters = *(long*)arg;
  vec acc[CHAINS];
  for (int i = 0; i < CHAINS; ++i) acc[i] = SET1(0.001f * i);
  const vec a = SET1(1e-7f), b = SET1(0.5f);
  for (long it = 0; it < iters; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < CHAINS; ++i) acc[i] = FMA(a, b, acc[i]);
  }
  vec s = acc[0];
  for (int i = 1; i < CHAINS; ++i) s = ADD(s, acc[i]);
  sink = REDUCE(s);
  return NULL;
}

static double measure(int threads, long iters) {
  pthread_t tid[64];
  double t0 = now();
  for (int t = 0; t < threads; ++t) pthread_create(&tid[t], NULL, run, &iters);
  for (int t = 0; t < threads; ++t) pthread_join(tid[t], NULL);
  double dt = now() - t0;
  return 2.0 * LANES * CHAINS * (double)iters * threads / dt / 1e9;
}

int main(int argc, char** argv) {
  int max_threads = argc > 1 ? atoi(argv[1]) : 1;
  long iters = argc > 2 ? atol(argv[2]) : ITERS;
  measure(1, iters / 10);  // warm up clocks
  printf("{\"lanes\":%d,\"threads\":[", LANES);
  for (int t = 1; t <= max_threads; ++t) {
    double best = 0;
    for (int rep = 0; rep < 3; ++rep) {
      double g = measure(t, iters);
      if (g > best) best = g;
    }
    printf("%s{\"threads\":%d,\"gflops\":%.2f}", t > 1 ? "," : "", t, best);
  }
  printf("]}\n");
  return 0;
}

// Kernel-level SGEMM comparison: simdtrain::sgemm (C++ entry, no Node-API
// call) against OpenBLAS's cblas_sgemm in ONE process, alternating rounds so
// both see the same host noise. bench/gemm.bench.js builds and runs it; it
// prints one JSON object:
//   gemm_kernel_bench <threads> <min_seconds> <rounds> M,N,K,transA,transB [...]
// Each figure is the best over rounds of the median seconds per call.
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "../../native/src/core/thread_pool.h"
#include "../../native/src/kernels/gemm/gemm.h"

extern "C" char* openblas_get_corename(void);
extern "C" void openblas_set_num_threads(int);

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::vector<float> random_matrix(size_t n, unsigned seed) {
  std::vector<float> p(n);
  unsigned x = seed;
  for (auto& v : p) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    v = static_cast<float>(x >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
  return p;
}

// Median seconds per call: batches sized to ~10 ms, for min_seconds.
template <class F>
double median_seconds(F&& call, double min_seconds) {
  call();
  call();
  long batch = 1;
  for (;;) {
    const double t0 = now();
    for (long i = 0; i < batch; ++i) call();
    if (now() - t0 > 0.01) break;
    batch *= 2;
  }
  std::vector<double> samples;
  const double start = now();
  while (now() - start < min_seconds || samples.size() < 5) {
    const double t0 = now();
    for (long i = 0; i < batch; ++i) call();
    samples.push_back((now() - t0) / batch);
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: gemm_kernel_bench threads min_seconds rounds M,N,K,ta,tb ...\n");
    return 2;
  }
  const int threads = std::atoi(argv[1]);
  const double min_seconds = std::atof(argv[2]);
  const int rounds = std::atoi(argv[3]);
  openblas_set_num_threads(threads);
  simdtrain::set_num_threads(threads);
  std::printf("{\"openblasCore\":\"%s\",\"threads\":%d,\"results\":[", openblas_get_corename(), threads);
  for (int s = 4; s < argc; ++s) {
    int M, N, K, ta, tb;
    if (std::sscanf(argv[s], "%d,%d,%d,%d,%d", &M, &N, &K, &ta, &tb) != 5) return 2;
    auto A = random_matrix(static_cast<size_t>(M) * K, 1), B = random_matrix(static_cast<size_t>(K) * N, 2);
    auto C = random_matrix(static_cast<size_t>(M) * N, 3);
    simdtrain::GemmArgs g;
    g.trans_a = ta, g.trans_b = tb, g.m = M, g.n = N, g.k = K;
    g.a = A.data(), g.lda = ta ? M : K, g.b = B.data(), g.ldb = tb ? K : N, g.c = C.data(), g.ldc = N;
    auto ours = [&] { simdtrain::sgemm(g); };
    auto blas = [&] {
      cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1.0f,
                  A.data(), static_cast<int>(g.lda), B.data(), static_cast<int>(g.ldb), 0.0f, C.data(), N);
    };
    double best_ours = 1e30, best_blas = 1e30;
    for (int r = 0; r < rounds; ++r) {
      best_ours = std::min(best_ours, median_seconds(ours, min_seconds));
      best_blas = std::min(best_blas, median_seconds(blas, min_seconds));
      // OpenBLAS's idle workers spin for a while after a call: let them park
      // so they do not steal the second core from the next measurement.
      if (threads > 1) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    const double flops = 2.0 * M * N * K;
    std::printf("%s{\"shape\":\"%s\",\"simdtrainGflops\":%.2f,\"openblasGflops\":%.2f}", s > 4 ? "," : "", argv[s],
                flops / best_ours * 1e-9, flops / best_blas * 1e-9);
    std::fflush(stdout);
  }
  std::printf("]}\n");
  return 0;
}

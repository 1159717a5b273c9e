// Kernel-level bf16 GEMM: simdtrain's bf16 paths (AMX, AVX512-BF16) and its
// fp32 sgemm on the same shapes in ONE process, alternating rounds so every
// column sees the same host noise. bench/bf16.bench.js builds and runs it.
//   gemm_bf16_bench <threads> <min_seconds> <rounds> M,N,K [...]
// Prints one JSON object; each figure is the median over rounds of the mean
// seconds per call within a round.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../../native/src/core/thread_pool.h"
#include "../../native/src/kernels/gemm_bf16/bf16.h"
#include "../../native/src/kernels/gemm_bf16/gemm_bf16.h"

namespace {

using simdtrain::Bf16Path;

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double seconds_per_call(const simdtrain::GemmArgs& g, Bf16Path path, double min_seconds) {
  int calls = 0;
  const double t0 = now();
  do {
    if (path == Bf16Path::off) simdtrain::sgemm(g);
    else simdtrain::sgemm_bf16_on(path, g);
    ++calls;
  } while (now() - t0 < min_seconds);
  return (now() - t0) / calls;
}

// How many of a 64 x 64 x 96 product's elements a path computes with the
// same bits as the emulation in either pair order (docs/bf16.md).
void print_bits(const std::vector<Bf16Path>& paths) {
  const size_t m = 64, n = 64, k = 96;
  std::vector<float> a(m * k), b(k * n), c(m * n), even(m * n), odd(m * n);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>((i * 7919) % 2001) / 1000.0f - 1.0f;
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>((i * 104729) % 1999) / 997.0f - 1.0f;
  simdtrain::GemmArgs g;
  g.m = m, g.n = n, g.k = k, g.a = a.data(), g.lda = k, g.b = b.data(), g.ldb = n, g.ldc = n;
  g.c = even.data();
  simdtrain::gemm_bf16_emulate(g, simdtrain::Bf16Order::even_first);
  g.c = odd.data();
  simdtrain::gemm_bf16_emulate(g, simdtrain::Bf16Order::odd_first);
  // Two more candidate orders for TDPBF16PS: each pair summed exactly then
  // added with one rounding, and the whole sum exact with one rounding.
  std::vector<float> pair(m * n), exact(m * n);
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < n; ++j) {
      float s = 0.0f;
      double x = 0.0;
      for (size_t q = 0; q < k; q += 2) {
        const double p0 = static_cast<double>(simdtrain::bf16_round(a[i * k + q])) * simdtrain::bf16_round(b[q * n + j]);
        const double p1 = static_cast<double>(simdtrain::bf16_round(a[i * k + q + 1])) * simdtrain::bf16_round(b[(q + 1) * n + j]);
        s = static_cast<float>(s + (p0 + p1));
        x += p0 + p1;
      }
      pair[i * n + j] = s;
      exact[i * n + j] = static_cast<float>(x);
    }
  }
  std::printf(",\"same_bits_of_%zu\":{", m * n);
  for (size_t p = 1; p < paths.size(); ++p) {
    g.c = c.data();
    simdtrain::sgemm_bf16_on(paths[p], g);
    size_t e = 0, o = 0, f = 0, x = 0;
    for (size_t i = 0; i < c.size(); ++i) e += c[i] == even[i], o += c[i] == odd[i], f += c[i] == pair[i], x += c[i] == exact[i];
    std::printf("%s\"%s\":{\"even_first\":%zu,\"odd_first\":%zu,\"pair_exact\":%zu,\"all_exact\":%zu}", p > 1 ? "," : "",
                simdtrain::bf16_path_name(paths[p]), e, o, f, x);
  }
  std::printf("}");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: gemm_bf16_bench threads min_seconds rounds M,N,K ...\n");
    return 2;
  }
  simdtrain::set_num_threads(std::atoi(argv[1]));
  const double min_seconds = std::atof(argv[2]);
  const int rounds = std::max(1, std::atoi(argv[3]));
  std::vector<Bf16Path> paths = {Bf16Path::off};  // off = fp32 sgemm
  for (Bf16Path p : {Bf16Path::avx512bf16, Bf16Path::amx}) {
    if (simdtrain::bf16_path_available(p, nullptr)) paths.push_back(p);
  }
  std::printf("{\"threads\":%s,\"results\":[", argv[1]);
  for (int s = 4; s < argc; ++s) {
    size_t m, n, k;
    if (std::sscanf(argv[s], "%zu,%zu,%zu", &m, &n, &k) != 3) return 2;
    std::vector<float> a(m * k), b(k * n), c(m * n);
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>((i * 7919) % 1000) / 1000.0f - 0.5f;
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>((i * 104729) % 1000) / 1000.0f - 0.5f;
    simdtrain::GemmArgs g;
    g.m = m, g.n = n, g.k = k, g.a = a.data(), g.lda = k, g.b = b.data(), g.ldb = n, g.c = c.data(), g.ldc = n;
    std::vector<std::vector<double>> times(paths.size());
    for (size_t p = 0; p < paths.size(); ++p) seconds_per_call(g, paths[p], 0.02);  // warm up
    for (int r = 0; r < rounds; ++r) {
      for (size_t p = 0; p < paths.size(); ++p) times[p].push_back(seconds_per_call(g, paths[p], min_seconds));
    }
    std::printf("%s{\"m\":%zu,\"n\":%zu,\"k\":%zu", s > 4 ? "," : "", m, n, k);
    for (size_t p = 0; p < paths.size(); ++p) {
      std::sort(times[p].begin(), times[p].end());
      const double med = times[p][times[p].size() / 2];
      std::printf(",\"%s\":%.1f", paths[p] == Bf16Path::off ? "fp32" : simdtrain::bf16_path_name(paths[p]), 2.0 * m * n * k / med / 1e9);
    }
    std::printf("}");
  }
  std::printf("]");
  print_bits(paths);
  std::printf("}\n");
  return 0;
}

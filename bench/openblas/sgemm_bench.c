// OpenBLAS peer for bench/gemm.bench.js: times cblas_sgemm (row-major) on the
// shapes given on the command line and prints one JSON object.
//   sgemm_bench <threads> <min_seconds> M,N,K,transA,transB [...]
// Links -lopenblas explicitly (Debian's BLAS alternative may point at the slow
// reference BLAS) and reports openblas_get_config()/corename() so the table
// says which kernels ran. Timing: median seconds per call over batches, like
// bench/harness.js.
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char* openblas_get_config(void);
char* openblas_get_corename(void);
void openblas_set_num_threads(int);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static float* random_matrix(size_t n) {
  float* p = malloc(n * sizeof(float) + 64);
  unsigned x = 12345;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    p[i] = (float)(x >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
  return p;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: sgemm_bench threads min_seconds M,N,K,ta,tb ...\n");
    return 2;
  }
  int threads = atoi(argv[1]);
  double min_seconds = atof(argv[2]);
  openblas_set_num_threads(threads);
  printf("{\"config\":\"%s\",\"core\":\"%s\",\"threads\":%d,\"results\":[", openblas_get_config(),
         openblas_get_corename(), threads);
  for (int s = 3; s < argc; ++s) {
    int M, N, K, ta, tb;
    if (sscanf(argv[s], "%d,%d,%d,%d,%d", &M, &N, &K, &ta, &tb) != 5) return 2;
    float* A = random_matrix((size_t)M * K);
    float* B = random_matrix((size_t)K * N);
    float* C = random_matrix((size_t)M * N);
    int lda = ta ? M : K, ldb = tb ? K : N;
    enum CBLAS_TRANSPOSE TA = ta ? CblasTrans : CblasNoTrans, TB = tb ? CblasTrans : CblasNoTrans;
#define CALL() cblas_sgemm(CblasRowMajor, TA, TB, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C, N)
    CALL();
    CALL();
    long batch = 1;
    for (;;) {
      double t0 = now();
      for (long i = 0; i < batch; ++i) CALL();
      if (now() - t0 >= min_seconds / 20 || batch >= (1L << 24)) break;
      batch *= 2;
    }
    double samples[200];
    int n = 0;
    double start = now();
    while (n < 5 || (now() - start < min_seconds && n < 200)) {
      double t0 = now();
      for (long i = 0; i < batch; ++i) CALL();
      samples[n++] = (now() - t0) / batch;
    }
    qsort(samples, n, sizeof(double), cmp);
    double med = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
    printf("%s{\"shape\":\"%s\",\"seconds\":%.9g}", s > 3 ? "," : "", argv[s], med);
    free(A); free(B); free(C);
  }
  printf("]}\n");
  return 0;
}

/* Plain C MPI_Allreduce harness: the baseline the simdtrain/distributed
 * binding is compared with (bench/mpi.bench.js). In-place float sums over
 * MPI_COMM_WORLD, for each size in bytes given on the command line: warm-up,
 * then timed calls until ~0.3 s or 200 calls; rank 0 prints one JSON line
 * per size with the median and the fastest seconds per call. Same protocol as allreduce_node.js. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  for (int s = 1; s < argc; s++) {
    long bytes = atol(argv[s]);
    int n = (int)(bytes / 4);
    float* x = malloc((size_t)n * 4 + 4);
    for (int i = 0; i < n; i++) x[i] = (float)(i % 7) * 0.5f;
    double samples[200];
    int count = 0;
    for (int i = 0; i < 3; i++) MPI_Allreduce(MPI_IN_PLACE, x, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    double start = MPI_Wtime();
    /* Every rank must make the same number of calls: rank 0 decides. */
    for (int go = 1; go;) {
      double t0 = MPI_Wtime();
      MPI_Allreduce(MPI_IN_PLACE, x, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
      samples[count++] = MPI_Wtime() - t0;
      go = count < 200 && (count < 5 || MPI_Wtime() - start < 0.3);
      MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
    }
    qsort(samples, count, sizeof(double), cmp);
    if (rank == 0) printf("{\"bytes\": %ld, \"median_s\": %.9g, \"min_s\": %.9g, \"calls\": %d}\n", bytes, samples[count / 2], samples[0], count);
    fflush(stdout);
    free(x);
  }
  MPI_Finalize();
  return 0;
}

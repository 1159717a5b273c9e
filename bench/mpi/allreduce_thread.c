/* The C harness again, with the MPI calls on a second thread (bench/mpi.bench.js):
 * the main thread hands each MPI_Allreduce to a communication thread through a
 * mutex and condition variable and waits for it, the design any binding that
 * must keep MPI off its caller's thread (Node's event loop) has, in plain C.
 * So it is the floor of such a binding: the binding's cost above it is Node's
 * own (the Promise and event-loop hop), its cost above allreduce_bench.c is
 * the price of two thread wake-ups per call. Same protocol and output as
 * allreduce_bench.c (median and fastest round trip seen by the main thread),
 * plus the median time inside MPI_Allreduce on the communication thread. */
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

enum { IDLE, ALLREDUCE, BCAST, QUIT };
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t todo_cv = PTHREAD_COND_INITIALIZER, done_cv = PTHREAD_COND_INITIALIZER;
static int todo = IDLE, done = 0;
static void* data;
static int count;
static double in_mpi;

static void* comm_main(void* arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&mu);
    while (todo == IDLE) pthread_cond_wait(&todo_cv, &mu);
    int what = todo;
    todo = IDLE;
    pthread_mutex_unlock(&mu);
    if (what == QUIT) return NULL;
    double t0 = MPI_Wtime();
    if (what == ALLREDUCE) MPI_Allreduce(MPI_IN_PLACE, data, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    else MPI_Bcast(data, count, MPI_INT, 0, MPI_COMM_WORLD);
    double t = MPI_Wtime() - t0;
    pthread_mutex_lock(&mu);
    in_mpi = t;
    done = 1;
    pthread_cond_signal(&done_cv);
    pthread_mutex_unlock(&mu);
  }
}

/* Runs one call on the communication thread and waits for it. */
static double run(int what, void* p, int n) {
  pthread_mutex_lock(&mu);
  data = p, count = n, done = 0, todo = what;
  pthread_cond_signal(&todo_cv);
  while (what != QUIT && !done) pthread_cond_wait(&done_cv, &mu);
  double t = in_mpi;
  pthread_mutex_unlock(&mu);
  return t;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  int provided, rank;
  /* SERIALIZED: two threads call MPI, never at once (the binding gets by with
   * FUNNELED because its MPI thread also calls MPI_Init_thread; Open MPI takes
   * no locks below MPI_THREAD_MULTIPLE either way). */
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  pthread_t th;
  pthread_create(&th, NULL, comm_main, NULL);
  for (int s = 1; s < argc; s++) {
    long bytes = atol(argv[s]);
    int n = (int)(bytes / 4);
    float* x = malloc((size_t)n * 4 + 4);
    for (int i = 0; i < n; i++) x[i] = (float)(i % 7) * 0.5f;
    double samples[200], inside[200];
    int calls = 0;
    for (int i = 0; i < 3; i++) run(ALLREDUCE, x, n);
    double start = MPI_Wtime();
    for (int go = 1; go;) {
      double t0 = MPI_Wtime();
      inside[calls] = run(ALLREDUCE, x, n);
      samples[calls] = MPI_Wtime() - t0;
      calls++;
      go = calls < 200 && (calls < 5 || MPI_Wtime() - start < 0.3);
      run(BCAST, &go, 1);
    }
    qsort(samples, calls, sizeof(double), cmp);
    qsort(inside, calls, sizeof(double), cmp);
    if (rank == 0) printf("{\"bytes\": %ld, \"median_s\": %.9g, \"min_s\": %.9g, \"mpi_median_s\": %.9g, \"calls\": %d}\n", bytes, samples[calls / 2], samples[0], inside[calls / 2], calls);
    fflush(stdout);
    free(x);
  }
  run(QUIT, NULL, 0);
  pthread_join(th, NULL);
  MPI_Finalize();
  return 0;
}

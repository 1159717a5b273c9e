#include "mpi_thread.h"

#include "job_queue.h"
#include "js_promises.h"

#include <algorithm>

namespace simdtrain_mpi {

namespace {

std::string mpi_error(const char* what, int code) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(code, text, &len) != MPI_SUCCESS) len = 0;
  return std::string(what) + " failed: " + std::string(text, len) + " (MPI error " + std::to_string(code) + ")";
}

MPI_Datatype mpi_type(int dtype) { return dtype == kF64 ? MPI_DOUBLE : MPI_FLOAT; }
size_t elem_size(int dtype) { return dtype == kF64 ? 8 : 4; }

// Every collective starts with this check, so ranks that call different
// operations, or the same one with different lengths, types, reduce ops or
// roots, get a clear error (on every rank alike) instead of a deadlock or
// silently mixed data. One MPI_MAX over (v, -v) gives max and min at once.
std::string check_agreement(const Job& j) {
  const long long mine[4] = {static_cast<long long>(j.kind), j.length, j.dtype, j.arg};
  long long v[8];
  for (int i = 0; i < 4; i++) { v[i] = mine[i]; v[4 + i] = -mine[i]; }
  int rc = MPI_Allreduce(MPI_IN_PLACE, v, 8, MPI_LONG_LONG, MPI_MAX, state().comm);
  if (rc != MPI_SUCCESS) return mpi_error("MPI_Allreduce (argument check)", rc);
  static const char* names[4] = {"operation", "length", "element type", "reduce op / root"};
  for (int i = 0; i < 4; i++) {
    const long long hi = v[i], lo = -v[4 + i];
    if (hi == lo) continue;
    std::string msg = std::string(kind_name(j.kind)) + ": ranks disagree on the " + names[i] + ": this rank (" +
                      std::to_string(state().rank) + ") has " + std::to_string(mine[i]) + ", the ranks range over [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]";
    if (i == 0) msg += " (0 init, 1 allReduce, 2 broadcast, 3 barrier): every rank must issue the same collectives in the same order";
    return msg;
  }
  return "";
}

std::string run_collective(Job& j) {
  State& s = state();
  // Bucket jobs skip the check: their layout was agreed on when the hook was made.
  if (j.kind != Kind::bucket) {
    const Clock::time_point t0 = Clock::now();
    std::string err = check_agreement(j);
    s.st_check_ns.fetch_add(ns_since(t0), std::memory_order_relaxed);
    if (!err.empty()) return err;
  }
  const Clock::time_point t0 = Clock::now();
  struct Timed {
    Clock::time_point t0;
    ~Timed() { state().st_mpi_ns.fetch_add(ns_since(t0), std::memory_order_relaxed); }
  } timed{t0};
  char* p = static_cast<char*>(j.data);
  const size_t es = elem_size(j.dtype);
  if (j.kind == Kind::barrier) {
    int rc = MPI_Barrier(s.comm);
    return rc == MPI_SUCCESS ? "" : mpi_error("MPI_Barrier", rc);
  }
  for (int64_t off = 0; off < j.length; off += kChunk) {
    const int n = static_cast<int>(std::min(kChunk, j.length - off));
    int rc;
    if (j.kind == Kind::allreduce || j.kind == Kind::bucket) {
      rc = MPI_Allreduce(MPI_IN_PLACE, p + off * es, n, mpi_type(j.dtype), MPI_SUM, s.comm);
      if (rc != MPI_SUCCESS) return mpi_error("MPI_Allreduce", rc);
    } else {
      rc = MPI_Bcast(p + off * es, n, mpi_type(j.dtype), j.arg, s.comm);
      if (rc != MPI_SUCCESS) return mpi_error("MPI_Bcast", rc);
    }
  }
  if (j.kind == Kind::allreduce && j.arg == kMean && s.size > 1) {
    if (j.dtype == kF64) {
      double* d = static_cast<double*>(j.data);
      const double inv = 1.0 / s.size;
      for (int64_t i = 0; i < j.length; i++) d[i] *= inv;
    } else {
      float* f = static_cast<float*>(j.data);
      const float inv = 1.0f / static_cast<float>(s.size);
      for (int64_t i = 0; i < j.length; i++) f[i] *= inv;
    }
  }
  return "";
}

std::string run_init() {
  State& s = state();
  int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &s.provided);
  if (rc != MPI_SUCCESS) return mpi_error("MPI_Init_thread", rc);
  // Errors return codes (turned into JS errors) instead of aborting the job.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  // A private communicator: other MPI users in the process cannot interleave.
  rc = MPI_Comm_dup(MPI_COMM_WORLD, &s.comm);
  if (rc != MPI_SUCCESS) return mpi_error("MPI_Comm_dup", rc);
  MPI_Comm_set_errhandler(s.comm, MPI_ERRORS_RETURN);
  MPI_Comm_rank(s.comm, &s.rank);
  MPI_Comm_size(s.comm, &s.size);
  return "";
}

std::string run_finalize() {
  State& s = state();
  MPI_Comm_free(&s.comm);
  int rc = MPI_Finalize();
  return rc == MPI_SUCCESS ? "" : mpi_error("MPI_Finalize", rc);
}

}  // namespace

void mpi_thread_main() {
  State& s = state();
  for (;;) {
    std::shared_ptr<Job> job = next_job();
    if (job->kind == Kind::quit) return;
    s.st_jobs.fetch_add(1, std::memory_order_relaxed);
    s.st_wait_ns.fetch_add(ns_since(job->queued_at), std::memory_order_relaxed);
    std::string err;
    if (s.broken.load()) {
      std::lock_guard<std::mutex> lock(s.mu);
      err = "the MPI communicator is unusable after an earlier failure (" + s.broken_reason + ")";
    } else {
      try {
        if (job->kind == Kind::init) err = run_init();
        else if (job->kind == Kind::finalize) err = run_finalize();
        else if (job->kind != Kind::fence) err = run_collective(*job);
      } catch (const std::exception& e) {
        err = e.what();
      }
    }
    bool last = job->kind == Kind::finalize;
    {
      std::lock_guard<std::mutex> lock(s.mu);
      s.current.reset();
      if (!err.empty() && job->kind != Kind::finalize && !s.broken.load() && err.find("ranks disagree") == std::string::npos) {
        // An MPI error leaves the communicator in an unknown state.
        s.broken_reason = err;
        s.broken.store(true);
      }
    }
    // No wake-up for the watchdog: it finds the job gone at its deadline.
    if (!job->claimed.exchange(true)) {
      if (job->kind == Kind::bucket) {
        // No Promise: a failure shows at the fence (broken).
        job->pending->fetch_sub(1, std::memory_order_acq_rel);
      } else {
        job->error = err;
        post_to_js(job);
      }
    }
    if (last) return;
  }
}

}  // namespace simdtrain_mpi

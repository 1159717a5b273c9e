// The MPI thread's job queue: any thread appends, the MPI thread takes.
#pragma once

#include "mpi_state.h"

namespace simdtrain_mpi {

// Any thread: appends jobs to the queue, in order.
void enqueue(const std::vector<std::shared_ptr<Job>>& jobs);

// MPI thread: waits for the next job and makes it the current one (the
// watchdog's deadline starts). After a job it polls the queue for `spinUs`
// before it sleeps, so a collective issued right after the previous one
// resolved skips the futex wake-up.
std::shared_ptr<Job> next_job();

}  // namespace simdtrain_mpi

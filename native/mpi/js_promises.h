// The JS side of a job: its Promise is made on the JS thread, and the
// thread that finishes the job (MPI thread or watchdog) posts it back there
// through the thread-safe function to be settled.
#pragma once

#include "mpi_state.h"

namespace simdtrain_mpi {

// JS thread: gives the job a Promise and queues it (rejects at once when the
// communicator is broken).
Napi::Promise submit(Napi::Env env, std::shared_ptr<Job> job);

// Any thread: hands a finished job to the event loop, which settles its Promise.
void post_to_js(const std::shared_ptr<Job>& job);

}  // namespace simdtrain_mpi

// The watchdog thread: a blocked MPI call cannot be cancelled, so when the
// job in flight outlives its timeout the watchdog fails it, marks the
// communicator broken (every later call rejects at once) and fails the jobs
// queued behind it. The timed-out job's buffer stays pinned for good,
// because MPI may still write into it.
#pragma once

namespace simdtrain_mpi {

void watchdog_main();

}  // namespace simdtrain_mpi

// The one thread that calls MPI: runs queued jobs in order until finalize.
#pragma once

namespace simdtrain_mpi {

void mpi_thread_main();

}  // namespace simdtrain_mpi

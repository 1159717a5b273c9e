// Reading a collective's JS arguments into a Job. Every value is read and
// checked before any pointer is taken; errors are TypeError/RangeError
// naming the argument.
#pragma once

#include "mpi_state.h"

namespace simdtrain_mpi {

// 'timeoutMs': an integer in [1, 1e9].
int64_t timeout_arg(const Napi::Value& v);

// Throws unless init() resolved on this env and finalize() has not run.
void require_owner(Napi::Env env, const char* what);

// (array: Float32Array | Float64Array, op or root, timeoutMs) -> a job with the array pinned.
std::shared_ptr<Job> buffer_job(const Napi::CallbackInfo& info, Kind kind, const char* what);

// (timeoutMs) -> a job without a buffer.
std::shared_ptr<Job> plain_job(const Napi::CallbackInfo& info, Kind kind, const char* what);

}  // namespace simdtrain_mpi

// How async work owns its memory (docs/threads-and-memory.md).
//
// V8 cannot pin an ordinary ArrayBuffer: while work runs on a pool thread,
// JavaScript may transfer it (structuredClone / postMessage), resize a
// resizable one to 0, or drop its last reference. So async work never keeps
// a pointer into such a buffer:
//  - inputs are copied (compactly, rows x cols) into native memory when the
//    call is made; later writes by JS do not reach the running work;
//  - outputs are computed into native memory and copied into the array on
//    the JS thread when the work completes, after re-checking that the array
//    is still attached and long enough (else the Promise rejects with a
//    RangeError naming it, and nothing is written);
//  - arrays on a SharedArrayBuffer are used in place: such memory can be
//    neither detached nor shrunk, and races on it are the caller's (as
//    between Workers).
#pragma once

#include <napi.h>

#include <cstddef>
#include <memory>

#include "args.h"

namespace simdtrain {
namespace addon {

// Returns a buffer to the pool (or frees it when the pool is full).
struct PoolDeleter {
  size_t bytes = 0;
  void operator()(float* p) const;
};
using FloatBuffer = std::unique_ptr<float[], PoolDeleter>;

// n floats, 64-byte aligned (like the typed arrays the kernels are tuned
// on), uninitialised; throws std::bad_alloc. Buffers are recycled through a
// small process-wide pool (size classes of powers of two, at most 64 MiB
// idle): fresh pages cost a fault each, which made the copies of repeated
// calls several times slower than the copying itself. Setting the
// environment variable SIMDTRAIN_TEST_FAIL_ALLOC (read at load) makes every
// call throw: the tests use it to check allocation failure end to end.
FloatBuffer allocate_floats(size_t n);

// True when `typed_array` views a SharedArrayBuffer.
bool is_shared(Napi::Env env, Napi::Value typed_array);

// A rows x cols matrix (row stride ld) that async work reads.
struct AsyncIn {
  FloatBuffer copy;
  const float* data = nullptr;
  size_t ld = 0;
};
AsyncIn async_input(Napi::Env env, Napi::Value typed_array, const F32Array& array, size_t rows, size_t cols, size_t ld);

// A rows x cols matrix (row stride ld) that async work writes; with
// read_first its current values are copied in first (e.g. beta != 0).
class AsyncOut {
 public:
  AsyncOut(Napi::Env env, Napi::Value typed_array, const F32Array& array, size_t rows, size_t cols, size_t ld, bool read_first);
  float* data() const { return data_; }
  size_t ld() const { return ld_; }
  // On the JS thread, after the work: copies the result into the array.
  // Throws a RangeError (nothing written) if it was detached or shrunk.
  void commit(Napi::Env env);

 private:
  Napi::ObjectReference array_;
  const char* name_;
  size_t rows_, cols_, ld_array_;
  FloatBuffer copy_;
  float* data_ = nullptr;
  size_t ld_ = 0;
};

}  // namespace addon
}  // namespace simdtrain

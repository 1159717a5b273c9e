// Memory that in-flight async operations read or write.
//
// An async task claims the byte ranges of its Float32Array arguments when it
// is queued and releases them when it settles. Meanwhile any call, sync or
// async, that would write memory the task reads, or touch memory the task
// writes, is refused with a RangeError naming the argument — a data race
// becomes a clear error instead of silently wrong numbers.
// Thread-safe: worker_threads each run their own addon instance over the
// same process-wide registry (SharedArrayBuffers can be shared between them).
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "args.h"

namespace simdtrain {
namespace addon {

struct BufferUse {
  F32Array array;
  bool write;
};

// Throws a RangeError if `use` conflicts with a range claimed by a pending
// async operation (read/read is fine; anything involving a write is not).
void check_not_busy(Napi::Env env, const F32Array& array, bool write);

// Claims all ranges (after checking each): returns a ticket for release.
uint64_t claim_buffers(Napi::Env env, const std::vector<BufferUse>& uses);
void release_buffers(uint64_t ticket);

}  // namespace addon
}  // namespace simdtrain

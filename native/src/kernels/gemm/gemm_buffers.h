// Per-thread packing buffers for the GEMM driver: 64-byte aligned, grown on
// demand and reused across calls, so the loops never allocate. Each pool
// thread (and each caller thread) owns its own set through thread_local.
#pragma once

#include <cstddef>

namespace simdtrain {

class GemmPackBuffer {
 public:
  GemmPackBuffer() = default;
  GemmPackBuffer(const GemmPackBuffer&) = delete;
  GemmPackBuffer& operator=(const GemmPackBuffer&) = delete;
  ~GemmPackBuffer();
  // At least `floats` floats, 64-byte aligned; contents unspecified.
  // Throws std::bad_alloc when memory runs out.
  float* get(size_t floats);

 private:
  float* data_ = nullptr;
  size_t capacity_ = 0;
};

struct GemmThreadBuffers {
  GemmPackBuffer a, b, scratch, scratch_b;
  // B panels packed by a team of threads, owned by the thread that called sgemm().
  GemmPackBuffer shared_b;
};

// The calling thread's buffers.
GemmThreadBuffers& gemm_thread_buffers();

}  // namespace simdtrain

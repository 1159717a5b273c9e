#include "gemm_buffers.h"

#include <cstdlib>
#include <new>

namespace simdtrain {

GemmPackBuffer::~GemmPackBuffer() { std::free(data_); }

float* GemmPackBuffer::get(size_t floats) {
  if (floats <= capacity_ && data_) return data_;
  // Round the byte size up to 64 (aligned_alloc requires a multiple of the
  // alignment) and leave 64 spare bytes for over-reads of hardware prefetch.
  const size_t bytes = ((floats * sizeof(float) + 63) / 64) * 64 + 64;
  void* p = std::aligned_alloc(64, bytes);
  if (!p) throw std::bad_alloc();
  std::free(data_);
  data_ = static_cast<float*>(p);
  capacity_ = floats;
  return data_;
}

GemmThreadBuffers& gemm_thread_buffers() {
  thread_local GemmThreadBuffers buffers;
  return buffers;
}

}  // namespace simdtrain

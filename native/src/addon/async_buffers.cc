#include "async_buffers.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <string>

namespace simdtrain {
namespace addon {
namespace {

const bool kFailAlloc = std::getenv("SIMDTRAIN_TEST_FAIL_ALLOC") != nullptr;

void copy_rows(float* dst, size_t dst_ld, const float* src, size_t src_ld, size_t rows, size_t cols) {
  for (size_t r = 0; r < rows; ++r) std::memcpy(dst + r * dst_ld, src + r * src_ld, cols * sizeof(float));
}

size_t span_floats(size_t rows, size_t cols, size_t ld) { return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols; }

}  // namespace

namespace {

constexpr size_t kPoolMaxIdleBytes = size_t{64} << 20;

struct Pool {
  std::mutex mutex;
  std::multimap<size_t, void*> idle;  // size class -> buffer
  size_t idle_bytes = 0;
};
Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: Workers may release buffers during static destruction
  return *p;
}

// The size class of a request: a power of two >= 4 KiB.
size_t size_class(size_t bytes) {
  size_t c = 4096;
  while (c < bytes) c <<= 1;
  return c;
}

}  // namespace

void PoolDeleter::operator()(float* p) const {
  if (!p) return;
  Pool& pl = pool();
  {
    std::lock_guard<std::mutex> lock(pl.mutex);
    if (pl.idle_bytes + bytes <= kPoolMaxIdleBytes) {
      pl.idle.emplace(bytes, p);
      pl.idle_bytes += bytes;
      return;
    }
  }
  std::free(p);
}

FloatBuffer allocate_floats(size_t n) {
  if (kFailAlloc || n > (SIZE_MAX / 2) / sizeof(float)) throw std::bad_alloc();
  const size_t bytes = size_class(n * sizeof(float) + 64);  // 64 spare bytes for over-reads of prefetch
  Pool& pl = pool();
  {
    std::lock_guard<std::mutex> lock(pl.mutex);
    auto it = pl.idle.find(bytes);
    if (it != pl.idle.end()) {
      void* p = it->second;
      pl.idle.erase(it);
      pl.idle_bytes -= bytes;
      return FloatBuffer(static_cast<float*>(p), PoolDeleter{bytes});
    }
  }
  void* p = std::aligned_alloc(64, bytes);  // bytes is a multiple of 64
  if (!p) throw std::bad_alloc();
  return FloatBuffer(static_cast<float*>(p), PoolDeleter{bytes});
}

bool is_shared(Napi::Env env, Napi::Value typed_array) {
  napi_value buffer = nullptr;
  bool plain = true;
  if (napi_get_typedarray_info(env, typed_array, nullptr, nullptr, nullptr, &buffer, nullptr) != napi_ok) return false;
  // napi_is_arraybuffer is false for a SharedArrayBuffer.
  return napi_is_arraybuffer(env, buffer, &plain) == napi_ok && !plain;
}

AsyncIn async_input(Napi::Env env, Napi::Value typed_array, const F32Array& array, size_t rows, size_t cols, size_t ld) {
  AsyncIn in;
  if (rows == 0 || cols == 0 || is_shared(env, typed_array)) {
    in.data = array.data;
    in.ld = ld;
    return in;
  }
  in.copy = allocate_floats(rows * cols);  // fits: rows * cols <= the array's length
  copy_rows(in.copy.get(), cols, array.data, ld, rows, cols);
  in.data = in.copy.get();
  in.ld = cols;
  return in;
}

AsyncOut::AsyncOut(Napi::Env env, Napi::Value typed_array, const F32Array& array, size_t rows, size_t cols, size_t ld,
                   bool read_first)
    : name_(array.name), rows_(rows), cols_(cols), ld_array_(ld) {
  if (rows == 0 || cols == 0 || is_shared(env, typed_array)) {
    data_ = array.data;
    ld_ = ld;
    return;
  }
  array_ = Napi::Persistent(typed_array.As<Napi::Object>());
  copy_ = allocate_floats(rows * cols);
  if (read_first) copy_rows(copy_.get(), cols, array.data, ld, rows, cols);
  data_ = copy_.get();
  ld_ = cols;
}

void AsyncOut::commit(Napi::Env env) {
  if (!copy_) return;  // written in place
  size_t length = 0;
  void* data = nullptr;
  napi_value buffer = nullptr;
  bool detached = true;
  const bool ok = napi_get_typedarray_info(env, array_.Value(), nullptr, &length, &data, &buffer, nullptr) == napi_ok &&
                  napi_is_detached_arraybuffer(env, buffer, &detached) == napi_ok;
  if (!ok || detached || data == nullptr || length < span_floats(rows_, cols_, ld_array_)) {
    throw Napi::RangeError::New(env, std::string("'") + name_ +
                                         "' was detached or shrunk while the async operation ran; its result was discarded");
  }
  copy_rows(static_cast<float*>(data), ld_array_, copy_.get(), cols_, rows_, cols_);
}

}  // namespace addon
}  // namespace simdtrain

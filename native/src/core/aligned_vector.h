// std::vector storage on 64-byte (cache-line) boundaries. The training plan's
// activations, gradients and workspaces are NHWC rows whose channel vectors
// then start on a line: with malloc's 16-byte alignment, one 32-byte vector in
// two of a 16-channel pixel crossed a cache line on every load and store.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace simdtrain {

template <class T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlign{64};

  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) noexcept {}

  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlign)); }
  void deallocate(T* p, size_t) noexcept { ::operator delete(p, kAlign); }

  template <class U>
  bool operator==(const CacheLineAllocator<U>&) const noexcept { return true; }
  template <class U>
  bool operator!=(const CacheLineAllocator<U>&) const noexcept { return false; }
};

template <class T>
using AlignedVector = std::vector<T, CacheLineAllocator<T>>;

}  // namespace simdtrain

// Turns libFuzzer's byte string into sizes, scalars and float arrays.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace fuzz {

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | byte();
    return v;
  }
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // A size in [0, max], biased towards small values and vector-width edges.
  size_t size(size_t max) {
    const uint32_t r = u32();
    const size_t n = (r & 1) ? (r >> 1) % 70 : (r >> 1) % (max + 1);
    return n > max ? max : n;
  }
  // A float in [-range, range] (finite), or occasionally an exact 0.
  float value(float range) {
    const uint32_t r = u32();
    if ((r & 0xff) == 0) return 0.0f;
    return (static_cast<float>(r >> 8) / 16777216.0f * 2.0f - 1.0f) * range;
  }
  std::vector<float> floats(size_t n, float range) {
    std::vector<float> v(n);
    for (auto& x : v) x = value(range);
    return v;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Each kernel family registers one target: given fuzz input, run every ISA's
// kernels and compare with the scalar table; abort() on a mismatch.
using Target = void (*)(Input& in);
struct TargetRegistrar {
  TargetRegistrar(const char* name, Target target);
};
std::vector<std::pair<const char*, Target>>& targets();

[[noreturn]] void mismatch(const char* what, const char* isa, size_t n, double got, double want);

}  // namespace fuzz

#include "graph_op.h"

#include <cmath>
#include <stdexcept>

namespace simdtrain {
namespace graph {

std::string Shape::str() const {
  return "[" + std::to_string(h) + ", " + std::to_string(w) + ", " + std::to_string(c) + "]";
}

void OpDesc::fail(const std::string& message) const {
  throw std::invalid_argument((name.empty() ? std::string("op") : name) + ": " + message);
}

double OpDesc::number(const char* key) const {
  auto it = attrs.find(key);
  if (it == attrs.end()) fail(std::string("missing attribute '") + key + "'");
  if (!std::isfinite(it->second)) fail(std::string("attribute '") + key + "' must be finite");
  return it->second;
}

double OpDesc::number_or(const char* key, double fallback) const { return has(key) ? number(key) : fallback; }

int64_t OpDesc::integer(const char* key, int64_t lo, int64_t hi) const {
  const double v = number(key);
  if (v != std::floor(v) || v < static_cast<double>(lo) || v > static_cast<double>(hi)) {
    fail(std::string("attribute '") + key + "' must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
         "] (got " + std::to_string(v) + ")");
  }
  return static_cast<int64_t>(v);
}

int64_t OpDesc::integer_or(const char* key, int64_t lo, int64_t hi, int64_t fallback) const {
  return has(key) ? integer(key, lo, hi) : fallback;
}

void require_range(const OpDesc& desc, const char* what, size_t offset, size_t count, size_t size) {
  if (offset > size || count > size - offset) {
    desc.fail(std::string(what) + " [" + std::to_string(offset) + ", +" + std::to_string(count) + ") lies outside its arena of " +
              std::to_string(size) + " floats");
  }
}

}  // namespace graph
}  // namespace simdtrain

// Argument helpers shared by the nn and train bindings (on top of args.h):
// Int32Array arguments and optional (null/undefined) typed arrays.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "args.h"

namespace simdtrain {
namespace addon {

struct I32Array {
  int32_t* data = nullptr;
  size_t length = 0;
};

inline I32Array to_i32(Napi::Env env, Napi::Value value, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw_type_error(env, std::string("'") + name + "' must be an Int32Array (got " + describe(value) + ")");
  }
  Napi::Int32Array array = value.As<Napi::Int32Array>();
  bool detached = false;
  if (napi_is_detached_arraybuffer(env, array.ArrayBuffer(), &detached) != napi_ok || detached) {
    throw_range_error(env, std::string("'") + name + "' is backed by a detached ArrayBuffer");
  }
  return I32Array{array.Data(), array.ElementLength()};
}

inline bool is_absent(Napi::Value value) { return value.IsNull() || value.IsUndefined(); }

// A Float32Array (read, or written when `write`), or an empty F32Array
// (data == nullptr) for null/undefined.
inline F32Array optional_f32(Napi::Env env, Napi::Value value, const char* name, bool write = false) {
  if (is_absent(value)) {
    F32Array none;
    none.name = name;
    return none;
  }
  return write ? to_f32_out(env, value, name) : to_f32(env, value, name);
}

inline I32Array optional_i32(Napi::Env env, Napi::Value value, const char* name) {
  return is_absent(value) ? I32Array{} : to_i32(env, value, name);
}

// An integer code in [0, count).
inline int code_arg(Napi::Env env, Napi::Value value, const char* name, int count) {
  const size_t code = to_size(env, value, name);
  if (code >= static_cast<size_t>(count)) {
    throw_range_error(env, std::string("'") + name + "' must be a code in [0, " + std::to_string(count) + ")");
  }
  return static_cast<int>(code);
}

// RangeError unless array.length == expected.
inline void require_length(Napi::Env env, size_t length, size_t expected, const char* name) {
  if (length != expected) {
    throw_range_error(env, std::string("'") + name + "' must have length " + std::to_string(expected) + " (got " +
                               std::to_string(length) + ")");
  }
}

// RangeError unless every label is in [0, classes).
inline void require_labels(Napi::Env env, const int32_t* labels, size_t n, size_t classes, const char* name) {
  for (size_t i = 0; i < n; ++i) {
    if (labels[i] < 0 || static_cast<size_t>(labels[i]) >= classes) {
      throw_range_error(env, std::string("'") + name + "' has label " + std::to_string(labels[i]) + " at index " +
                                 std::to_string(i) + ", outside [0, " + std::to_string(classes) + ")");
    }
  }
}

}  // namespace addon
}  // namespace simdtrain

// Argument checking shared by every binding. Each helper throws a
// Napi::TypeError (wrong kind of value) or Napi::RangeError (right kind, bad
// value) whose message names the argument, *before* any kernel runs, so a
// call that throws never writes anything.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace simdtrain {
namespace addon {

// A Float32Array argument, validated: not detached, data pointer usable for
// `length` floats. Works for subarray views at any offset and for arrays on a
// SharedArrayBuffer (the caller owns any races on shared memory).
//
// A Uint16Array read by to_u16_out (bf16 optimizer state) is held the same
// way with elem_bytes = 2 (data then points at uint16_t: see u16()), so the
// overlap and busy-buffer checks see its true byte range.
struct F32Array {
  float* data = nullptr;
  size_t length = 0;
  const char* name = "";
  size_t elem_bytes = sizeof(float);

  uintptr_t byte_begin() const { return reinterpret_cast<uintptr_t>(data); }
  uintptr_t byte_end() const { return byte_begin() + length * elem_bytes; }
  uint16_t* u16() const { return reinterpret_cast<uint16_t*>(data); }
};

[[noreturn]] void throw_type_error(Napi::Env env, const std::string& message);
[[noreturn]] void throw_range_error(Napi::Env env, const std::string& message);

// A short description of a JS value's type for error messages
// ("Float64Array", "number", "undefined", "object", ...).
std::string describe(Napi::Value value);

// An input (read-only) Float32Array. Refused while a pending async operation
// writes its memory.
F32Array to_f32(Napi::Env env, Napi::Value value, const char* name);
inline F32Array f32_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  return to_f32(info.Env(), info[index], name);
}
// An output (written) Float32Array. Refused while a pending async operation
// reads or writes its memory.
F32Array to_f32_out(Napi::Env env, Napi::Value value, const char* name);
inline F32Array f32_out_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  return to_f32_out(info.Env(), info[index], name);
}

// An output (written) Uint16Array of bf16 bit patterns (elem_bytes = 2).
// Refused while a pending async operation reads or writes its memory.
F32Array to_u16_out(Napi::Env env, Napi::Value value, const char* name);

// A number (any double, NaN and infinities included).
double to_number(Napi::Env env, Napi::Value value, const char* name);
inline double number_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  return to_number(info.Env(), info[index], name);
}

// A finite number; RangeError for NaN or +-Infinity.
double to_finite(Napi::Env env, Napi::Value value, const char* name);
// A finite number >= 0.
double to_nonnegative(Napi::Env env, Napi::Value value, const char* name);

// A non-negative integer that fits in size_t and 2^53 - 1.
size_t to_size(Napi::Env env, Napi::Value value, const char* name);
inline size_t size_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  return to_size(info.Env(), info[index], name);
}

bool to_bool(Napi::Env env, Napi::Value value, const char* name);

// Reads a required property of an options object (TypeError when missing).
Napi::Value required_field(Napi::Env env, Napi::Object object, const char* key, const char* object_name);

// a * b, or a RangeError naming `what` when it overflows size_t.
size_t checked_mul(Napi::Env env, size_t a, size_t b, const char* what);

// RangeError unless a.length == b.length.
void require_same_length(Napi::Env env, const F32Array& a, const F32Array& b);
// RangeError unless array.length >= needed.
void require_min_length(Napi::Env env, const F32Array& array, size_t needed);

// RangeError when the byte ranges of `out` and `in` overlap. With
// allow_identical, the exact same range (an in-place update) is accepted.
void require_no_overlap(Napi::Env env, const F32Array& out, const F32Array& in, bool allow_identical);

}  // namespace addon
}  // namespace simdtrain

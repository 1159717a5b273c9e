#include "args.h"

#include <cmath>

#include "busy_buffers.h"
#include <limits>

namespace simdtrain {
namespace addon {

void throw_type_error(Napi::Env env, const std::string& message) { throw Napi::TypeError::New(env, message); }
void throw_range_error(Napi::Env env, const std::string& message) { throw Napi::RangeError::New(env, message); }

namespace {

const char* typed_array_name(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
  }
  return "TypedArray";
}

std::string quoted(const char* name) { return std::string("'") + name + "'"; }

}  // namespace

std::string describe(Napi::Value value) {
  if (value.IsTypedArray()) return typed_array_name(value.As<Napi::TypedArray>().TypedArrayType());
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "boolean";
    case napi_number: return "number";
    case napi_string: return "string";
    case napi_symbol: return "symbol";
    case napi_function: return "function";
    case napi_bigint: return "bigint";
    default: break;
  }
  if (value.IsArray()) return "Array";
  if (value.IsArrayBuffer()) return "ArrayBuffer";
  if (value.IsDataView()) return "DataView";
  return "object";
}

namespace {

F32Array typed_unchecked(Napi::Env env, Napi::Value value, const char* name, napi_typedarray_type want) {
  // One napi_get_typedarray_info call (Napi::TypedArray's accessors would
  // each make their own): it dominates the cost of a small sgemm call.
  // (It fails with napi_invalid_arg on anything but a TypedArray.)
  napi_typedarray_type type = napi_int8_array;
  size_t length = 0;
  void* data = nullptr;
  napi_value buffer = nullptr;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, &buffer, nullptr) != napi_ok ||
      type != want) {
    const char* what = want == napi_uint16_array ? "a Uint16Array" : "a Float32Array";
    throw_type_error(env, quoted(name) + " must be " + what + " (got " + describe(value) + ")");
  }
  bool detached = false;
  if (napi_is_detached_arraybuffer(env, buffer, &detached) != napi_ok || detached) {
    throw_range_error(env, quoted(name) + " is backed by a detached ArrayBuffer");
  }
  F32Array out;
  out.data = static_cast<float*>(data);
  out.length = length;
  out.name = name;
  if (want == napi_uint16_array) out.elem_bytes = sizeof(uint16_t);
  return out;
}

F32Array to_f32_unchecked(Napi::Env env, Napi::Value value, const char* name) {
  return typed_unchecked(env, value, name, napi_float32_array);
}

}  // namespace

F32Array to_f32(Napi::Env env, Napi::Value value, const char* name) {
  F32Array array = to_f32_unchecked(env, value, name);
  check_not_busy(env, array, /*write=*/false);
  return array;
}

F32Array to_f32_out(Napi::Env env, Napi::Value value, const char* name) {
  F32Array array = to_f32_unchecked(env, value, name);
  check_not_busy(env, array, /*write=*/true);
  return array;
}

F32Array to_u16_out(Napi::Env env, Napi::Value value, const char* name) {
  F32Array array = typed_unchecked(env, value, name, napi_uint16_array);
  check_not_busy(env, array, /*write=*/true);
  return array;
}

double to_number(Napi::Env env, Napi::Value value, const char* name) {
  // One call: napi_get_value_double itself fails on anything but a number.
  double x = 0.0;
  if (napi_get_value_double(env, value, &x) != napi_ok) {
    throw_type_error(env, quoted(name) + " must be a number (got " + describe(value) + ")");
  }
  return x;
}

double to_finite(Napi::Env env, Napi::Value value, const char* name) {
  const double x = to_number(env, value, name);
  if (!std::isfinite(x)) throw_range_error(env, quoted(name) + " must be finite (got " + std::to_string(x) + ")");
  return x;
}

double to_nonnegative(Napi::Env env, Napi::Value value, const char* name) {
  const double x = to_finite(env, value, name);
  if (x < 0) throw_range_error(env, quoted(name) + " must be >= 0 (got " + std::to_string(x) + ")");
  return x;
}

size_t to_size(Napi::Env env, Napi::Value value, const char* name) {
  const double x = to_number(env, value, name);
  constexpr double kMaxSafe = 9007199254740991.0;  // 2^53 - 1
  // In range first (NaN fails), then integral: the round trip through an
  // integer is exact there and cheaper than floor() on baseline x86-64.
  if (!(x >= 0 && x <= kMaxSafe) || x > static_cast<double>(std::numeric_limits<size_t>::max()) ||
      static_cast<double>(static_cast<uint64_t>(x)) != x) {
    throw_range_error(env, quoted(name) + " must be a non-negative integer (got " + Napi::Value(value).ToString().Utf8Value() + ")");
  }
  return static_cast<size_t>(x);
}

bool to_bool(Napi::Env env, Napi::Value value, const char* name) {
  if (!value.IsBoolean()) throw_type_error(env, quoted(name) + " must be a boolean (got " + describe(value) + ")");
  return value.As<Napi::Boolean>().Value();
}

Napi::Value required_field(Napi::Env env, Napi::Object object, const char* key, const char* object_name) {
  if (!object.Has(key)) throw_type_error(env, std::string(object_name) + "." + key + " is required");
  return object.Get(key);
}

size_t checked_mul(Napi::Env env, size_t a, size_t b, const char* what) {
  size_t result;
  if (__builtin_mul_overflow(a, b, &result)) throw_range_error(env, std::string(what) + " overflows");
  return result;
}

void require_same_length(Napi::Env env, const F32Array& a, const F32Array& b) {
  if (a.length != b.length) {
    throw_range_error(env, quoted(a.name) + " and " + quoted(b.name) + " must have the same length (got " +
                               std::to_string(a.length) + " and " + std::to_string(b.length) + ")");
  }
}

void require_min_length(Napi::Env env, const F32Array& array, size_t needed) {
  if (array.length < needed) {
    throw_range_error(env, quoted(array.name) + " is too short: needs " + std::to_string(needed) +
                               " elements, has " + std::to_string(array.length));
  }
}

void require_no_overlap(Napi::Env env, const F32Array& out, const F32Array& in, bool allow_identical) {
  if (out.length == 0 || in.length == 0) return;
  const bool overlap = out.byte_begin() < in.byte_end() && in.byte_begin() < out.byte_end();
  if (!overlap) return;
  if (allow_identical && out.byte_begin() == in.byte_begin() && out.length == in.length) return;
  throw_range_error(env, quoted(out.name) + " overlaps " + quoted(in.name) +
                             (allow_identical ? " (only the exact same range is allowed)" : ""));
}

}  // namespace addon
}  // namespace simdtrain

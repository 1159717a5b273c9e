// Argument helpers of the layer-kernel bindings (conv_binding.cc,
// layer_binding.cc): shape objects and overlap checks over many arrays.
// Shape objects are read before any typed array (a getter could detach one),
// so bindings call these first and take array pointers last.
#pragma once

#include <napi.h>

#include <initializer_list>
#include <string>

#include "../kernels/conv/conv2d.h"
#include "../kernels/conv/pool2d.h"
#include "args.h"
#include "nn_args.h"

namespace simdtrain {
namespace addon {

// obj[key] as a size, `fallback` when absent (fallback < 0: required).
inline size_t shape_field(Napi::Env env, Napi::Object obj, const char* key, const char* arg, long fallback) {
  const std::string name = std::string(arg) + "." + key;
  Napi::Value v = obj.Get(key);
  if (v.IsUndefined()) {
    if (fallback < 0) throw_type_error(env, "'" + name + "' is required");
    return static_cast<size_t>(fallback);
  }
  return to_size(env, v, name.c_str());
}

inline Napi::Object shape_object(Napi::Env env, Napi::Value value, const char* arg) {
  if (!value.IsObject() || value.IsArray() || value.IsTypedArray())
    throw_type_error(env, std::string("'") + arg + "' must be a shape object (got " + describe(value) + ")");
  return value.As<Napi::Object>();
}

// One field of a shape object: its key, the struct member it fills, and its
// default (kRequired: none; or, with `default_from`, the value of an earlier
// member, as pooling's stride defaults to its window).
constexpr long kRequired = -1;
template <class Shape>
struct ShapeField {
  const char* key;
  size_t Shape::*member;
  long fallback;
  size_t Shape::*default_from = nullptr;
};

// Reads the fields in table order (every getter runs before any pointer is
// taken), then checks the whole shape: RangeError "'arg': problem".
template <class Shape, size_t N>
Shape read_shape(Napi::Env env, Napi::Value value, const char* arg, const ShapeField<Shape> (&fields)[N],
                 const char* (*check)(const Shape&)) {
  Napi::Object o = shape_object(env, value, arg);
  Shape s;
  for (const ShapeField<Shape>& f : fields) {
    const long fallback = f.default_from ? static_cast<long>(s.*f.default_from) : f.fallback;
    s.*f.member = shape_field(env, o, f.key, arg, fallback);
  }
  if (const char* problem = check(s)) throw_range_error(env, std::string("'") + arg + "': " + problem);
  return s;
}

// { batch, inH, inW, inC, outC, kh, kw, strideH = 1, strideW = 1, padTop = 0,
//   padBottom = 0, padLeft = 0, padRight = 0, dilH = 1, dilW = 1, groups = 1 }
inline Conv2dShape conv_shape_arg(Napi::Env env, Napi::Value value, const char* arg) {
  using S = Conv2dShape;
  static const ShapeField<S> kFields[] = {
      {"batch", &S::batch, kRequired},   {"inH", &S::in_h, kRequired},         {"inW", &S::in_w, kRequired},
      {"inC", &S::in_c, kRequired},      {"outC", &S::out_c, kRequired},       {"kh", &S::kh, kRequired},
      {"kw", &S::kw, kRequired},         {"strideH", &S::stride_h, 1},         {"strideW", &S::stride_w, 1},
      {"padTop", &S::pad_top, 0},        {"padBottom", &S::pad_bottom, 0},     {"padLeft", &S::pad_left, 0},
      {"padRight", &S::pad_right, 0},    {"dilH", &S::dil_h, 1},               {"dilW", &S::dil_w, 1},
      {"groups", &S::groups, 1},
  };
  return read_shape(env, value, arg, kFields, conv2d_check);
}

// { batch, inH, inW, c, kh, kw, strideH = kh, strideW = kw, padTop = 0, ... }
inline Pool2dShape pool_shape_arg(Napi::Env env, Napi::Value value, const char* arg) {
  using S = Pool2dShape;
  static const ShapeField<S> kFields[] = {
      {"batch", &S::batch, kRequired},     {"inH", &S::in_h, kRequired},          {"inW", &S::in_w, kRequired},
      {"c", &S::c, kRequired},             {"kh", &S::kh, kRequired},             {"kw", &S::kw, kRequired},
      {"strideH", &S::stride_h, 0, &S::kh}, {"strideW", &S::stride_w, 0, &S::kw}, {"padTop", &S::pad_top, 0},
      {"padBottom", &S::pad_bottom, 0},    {"padLeft", &S::pad_left, 0},          {"padRight", &S::pad_right, 0},
  };
  return read_shape(env, value, arg, kFields, pool2d_check);
}

inline void require_len(Napi::Env env, const F32Array& a, size_t n) { require_length(env, a.length, n, a.name); }
// For optional arrays: absent ones (null / undefined) are skipped.
inline void require_len_if_present(Napi::Env env, const F32Array& a, size_t n) {
  if (a.data) require_length(env, a.length, n, a.name);
}

// One array's expected length; an optional one is skipped when absent.
struct ExpectedLength {
  const F32Array* array;
  size_t length;
  bool optional = false;
};
constexpr bool kOptional = true;

// Checks each array's length, in order (the first wrong one is named).
inline void require_lengths(Napi::Env env, std::initializer_list<ExpectedLength> expected) {
  for (const ExpectedLength& e : expected) {
    if (e.optional) require_len_if_present(env, *e.array, e.length);
    else require_len(env, *e.array, e.length);
  }
}

// No written array overlaps any other array of the call (absent ones skipped).
inline void require_disjoint(Napi::Env env, std::initializer_list<const F32Array*> outs,
                             std::initializer_list<const F32Array*> ins) {
  for (const F32Array* o : outs) {
    if (!o->data) continue;
    for (const F32Array* i : ins)
      if (i->data) require_no_overlap(env, *o, *i, false);
    for (const F32Array* o2 : outs)
      if (o2 != o && o2->data) require_no_overlap(env, *o, *o2, false);
  }
}

}  // namespace addon
}  // namespace simdtrain

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

// { batch, inH, inW, inC, outC, kh, kw, strideH = 1, strideW = 1, padTop = 0,
//   padBottom = 0, padLeft = 0, padRight = 0, dilH = 1, dilW = 1, groups = 1 }
inline Conv2dShape conv_shape_arg(Napi::Env env, Napi::Value value, const char* arg) {
  Napi::Object o = shape_object(env, value, arg);
  Conv2dShape s;
  s.batch = shape_field(env, o, "batch", arg, -1);
  s.in_h = shape_field(env, o, "inH", arg, -1);
  s.in_w = shape_field(env, o, "inW", arg, -1);
  s.in_c = shape_field(env, o, "inC", arg, -1);
  s.out_c = shape_field(env, o, "outC", arg, -1);
  s.kh = shape_field(env, o, "kh", arg, -1);
  s.kw = shape_field(env, o, "kw", arg, -1);
  s.stride_h = shape_field(env, o, "strideH", arg, 1);
  s.stride_w = shape_field(env, o, "strideW", arg, 1);
  s.pad_top = shape_field(env, o, "padTop", arg, 0);
  s.pad_bottom = shape_field(env, o, "padBottom", arg, 0);
  s.pad_left = shape_field(env, o, "padLeft", arg, 0);
  s.pad_right = shape_field(env, o, "padRight", arg, 0);
  s.dil_h = shape_field(env, o, "dilH", arg, 1);
  s.dil_w = shape_field(env, o, "dilW", arg, 1);
  s.groups = shape_field(env, o, "groups", arg, 1);
  if (const char* problem = conv2d_check(s)) throw_range_error(env, std::string("'") + arg + "': " + problem);
  return s;
}

// { batch, inH, inW, c, kh, kw, strideH = kh, strideW = kw, padTop = 0, ... }
inline Pool2dShape pool_shape_arg(Napi::Env env, Napi::Value value, const char* arg) {
  Napi::Object o = shape_object(env, value, arg);
  Pool2dShape s;
  s.batch = shape_field(env, o, "batch", arg, -1);
  s.in_h = shape_field(env, o, "inH", arg, -1);
  s.in_w = shape_field(env, o, "inW", arg, -1);
  s.c = shape_field(env, o, "c", arg, -1);
  s.kh = shape_field(env, o, "kh", arg, -1);
  s.kw = shape_field(env, o, "kw", arg, -1);
  s.stride_h = shape_field(env, o, "strideH", arg, static_cast<long>(s.kh));
  s.stride_w = shape_field(env, o, "strideW", arg, static_cast<long>(s.kw));
  s.pad_top = shape_field(env, o, "padTop", arg, 0);
  s.pad_bottom = shape_field(env, o, "padBottom", arg, 0);
  s.pad_left = shape_field(env, o, "padLeft", arg, 0);
  s.pad_right = shape_field(env, o, "padRight", arg, 0);
  if (const char* problem = pool2d_check(s)) throw_range_error(env, std::string("'") + arg + "': " + problem);
  return s;
}

inline void require_len(Napi::Env env, const F32Array& a, size_t n) { require_length(env, a.length, n, a.name); }
// For optional arrays: absent ones (null / undefined) are skipped.
inline void require_len_if_present(Napi::Env env, const F32Array& a, size_t n) {
  if (a.data) require_length(env, a.length, n, a.name);
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

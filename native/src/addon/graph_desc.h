// Reads a graph description from JS: { slots: [[h, w, c], ...], ops: [{ op,
// name?, inputs: [slot...], output, attrs: { key: number } }], seed,
// inputNchw?, outputNchw? }.
// Only plain values are read (no typed-array pointers), so it runs before an
// argument's pointer is taken.
#pragma once

#include <napi.h>

#include <algorithm>
#include <string>
#include <vector>

#include "../kernels/graph/graph_op.h"
#include "args.h"

namespace simdtrain {
namespace addon {

struct GraphDesc {
  std::vector<graph::Shape> slots;
  std::vector<graph::OpDesc> ops;
  uint64_t seed = 0;
  bool input_nchw = false, output_nchw = false;  // the API's rows are NCHW images
};

inline Napi::Array array_field(Napi::Env env, Napi::Object o, const char* key, const char* what) {
  Napi::Value v = required_field(env, o, key, what);
  if (!v.IsArray()) throw_type_error(env, std::string("'") + what + "." + key + "' must be an Array (got " + describe(v) + ")");
  return v.As<Napi::Array>();
}

inline GraphDesc read_graph(Napi::Env env, Napi::Value value) {
  if (!value.IsObject()) throw_type_error(env, "'graph' must be an object (got " + describe(value) + ")");
  Napi::Object g = value.As<Napi::Object>();
  GraphDesc desc;
  Napi::Array slots = array_field(env, g, "slots", "graph");
  for (uint32_t i = 0; i < slots.Length(); ++i) {
    Napi::Value s = slots.Get(i);
    if (!s.IsArray() || s.As<Napi::Array>().Length() != 3) throw_type_error(env, "'graph.slots' entries must be [h, w, c] arrays");
    Napi::Array a = s.As<Napi::Array>();
    graph::Shape shape;
    shape.h = to_size(env, a.Get(0u), "slot.h");
    shape.w = to_size(env, a.Get(1u), "slot.w");
    shape.c = to_size(env, a.Get(2u), "slot.c");
    if (shape.h == 0 || shape.w == 0 || shape.c == 0 || shape.h > (1u << 20) || shape.w > (1u << 20) || shape.c > (1u << 30) ||
        shape.h * shape.w > (size_t{1} << 30) / shape.c) {
      throw_range_error(env, "'graph.slots[" + std::to_string(i) + "]' must be >= 1 and hold at most 2^30 floats");
    }
    desc.slots.push_back(shape);
  }
  Napi::Array ops = array_field(env, g, "ops", "graph");
  for (uint32_t i = 0; i < ops.Length(); ++i) {
    Napi::Value v = ops.Get(i);
    if (!v.IsObject()) throw_type_error(env, "'graph.ops' entries must be objects");
    Napi::Object o = v.As<Napi::Object>();
    graph::OpDesc d;
    d.code = static_cast<int>(std::min<size_t>(to_size(env, required_field(env, o, "op", "op"), "op.op"), 1 << 20));
    Napi::Value name = o.Get("name");
    d.name = name.IsString() ? name.As<Napi::String>().Utf8Value() : "op " + std::to_string(i);
    Napi::Array inputs = array_field(env, o, "inputs", "op");
    for (uint32_t j = 0; j < inputs.Length(); ++j) {
      d.inputs.push_back(static_cast<int>(std::min<size_t>(to_size(env, inputs.Get(j), "op.inputs[]"), 1 << 30)));
    }
    d.output = static_cast<int>(std::min<size_t>(to_size(env, required_field(env, o, "output", "op"), "op.output"), 1 << 30));
    Napi::Value attrs = o.Get("attrs");
    if (attrs.IsObject()) {
      Napi::Object a = attrs.As<Napi::Object>();
      Napi::Array keys = a.GetPropertyNames();
      for (uint32_t j = 0; j < keys.Length(); ++j) {
        const std::string key = keys.Get(j).ToString().Utf8Value();
        d.attrs[key] = to_number(env, a.Get(key), "op.attrs value");
      }
    } else if (!attrs.IsUndefined()) {
      throw_type_error(env, "'op.attrs' must be an object");
    }
    desc.ops.push_back(std::move(d));
  }
  const double seed = to_nonnegative(env, required_field(env, g, "seed", "graph"), "graph.seed");
  desc.seed = static_cast<uint64_t>(std::min(seed, 9007199254740991.0));
  Napi::Value in_nchw = g.Get("inputNchw"), out_nchw = g.Get("outputNchw");
  desc.input_nchw = !in_nchw.IsUndefined() && to_bool(env, in_nchw, "graph.inputNchw");
  desc.output_nchw = !out_nchw.IsUndefined() && to_bool(env, out_nchw, "graph.outputNchw");
  return desc;
}

}  // namespace addon
}  // namespace simdtrain

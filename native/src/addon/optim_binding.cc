// Fused optimizer steps over a whole list of tensors in one call, plus the
// gradient utilities behind clipGradNorm / clipGradValue / skipNonFinite.
//
//   optimStep(kind, params[], grads[], states[], scalars, skipNonFinite) -> applied
//     states:  3 entries per tensor (Float32Array or null), see optim_types.h;
//              Uint16Array (bf16 bit patterns) for a tensor whose row has
//              kFlagBf16State, with c6 = Philox seed and c7 = step (integers
//              < 2^32; the tensor's position in the list is the stream)
//     scalars: Float64Array, kOptimScalarCount doubles per tensor
//   gradNorm(arrays[], normType 1 | 2 | Infinity) -> number
//   anyNonFinite(arrays[]) -> boolean
//   clampAll(arrays[], lo, hi)
//   scaleAll(arrays[], factor)
// Everything is validated before anything is written.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <string>
#include <vector>

#include "../kernels/optim/optim_ops.h"
#include "../kernels/vector/vector_ops.h"
#include "args.h"
#include "guard.h"
#include "registry.h"

namespace simdtrain {
namespace addon {
namespace {

// Float32Arrays named "<what>[i]"; the names live as long as the list.
struct ArrayList {
  std::deque<std::string> names;
  std::vector<F32Array> arrays;
};

Napi::Array to_array(Napi::Env env, Napi::Value value, const char* name) {
  if (!value.IsArray()) throw_type_error(env, std::string("'") + name + "' must be an Array (got " + describe(value) + ")");
  return value.As<Napi::Array>();
}

// The entries of a JS Array. Reading an entry can run user code (an index
// getter that detaches or resizes another array), so every list of a call is
// read with this first, and pointers are taken (to_list) only afterwards.
std::vector<Napi::Value> list_values(Napi::Env env, Napi::Value value, const char* name) {
  Napi::Array list = to_array(env, value, name);
  const uint32_t count = list.Length();
  std::vector<Napi::Value> items;
  items.reserve(count);
  for (uint32_t i = 0; i < count; ++i) items.push_back(list.Get(i));
  return items;
}

// Float32Arrays named "<name>[i]"; with allow_null, null/undefined entries
// become empty arrays with data == nullptr. `written` lists are refused while
// a pending async operation uses their memory at all, read lists only while
// one writes it. With allow_u16, a Uint16Array entry is taken as bf16 state
// (elem_bytes 2; written lists only). Runs no user code.
void to_list(Napi::Env env, const std::vector<Napi::Value>& items, const char* name, bool allow_null, bool written,
             ArrayList* out, bool allow_u16 = false) {
  for (size_t i = 0; i < items.size(); ++i) {
    out->names.push_back(std::string(name) + "[" + std::to_string(i) + "]");
    const Napi::Value& item = items[i];
    const char* item_name = out->names.back().c_str();
    if (allow_null && (item.IsNull() || item.IsUndefined())) {
      F32Array empty;
      empty.name = item_name;
      out->arrays.push_back(empty);
    } else if (allow_u16 && written && item.IsTypedArray() &&
               item.As<Napi::TypedArray>().TypedArrayType() == napi_uint16_array) {
      out->arrays.push_back(to_u16_out(env, item, item_name));
    } else {
      out->arrays.push_back(written ? to_f32_out(env, item, item_name) : to_f32(env, item, item_name));
    }
  }
}

// A single list argument: values first, then pointers.
void read_list(Napi::Env env, Napi::Value value, const char* name, bool allow_null, bool written, ArrayList* out) {
  to_list(env, list_values(env, value, name), name, allow_null, written, out);
}

std::string quoted(const F32Array& a) { return std::string("'") + a.name + "'"; }

// Written buffers must not overlap each other; read-only ones must not
// overlap any written buffer (they may overlap each other).
void require_disjoint(Napi::Env env, std::vector<const F32Array*> written, const std::vector<const F32Array*>& read) {
  written.erase(std::remove_if(written.begin(), written.end(), [](const F32Array* a) { return a->length == 0; }), written.end());
  std::sort(written.begin(), written.end(), [](const F32Array* a, const F32Array* b) { return a->byte_begin() < b->byte_begin(); });
  for (size_t i = 1; i < written.size(); ++i) {
    if (written[i]->byte_begin() < written[i - 1]->byte_end()) {
      throw_range_error(env, quoted(*written[i]) + " and " + quoted(*written[i - 1]) +
                                 " share memory (is a param listed twice?)");
    }
  }
  for (const F32Array* r : read) {
    if (r->length == 0) continue;
    // The last written range starting before r's end is the only candidate
    // besides any that start inside r; check the neighbours of r's position.
    auto it = std::lower_bound(written.begin(), written.end(), r->byte_end(),
                               [](const F32Array* a, uintptr_t end) { return a->byte_begin() < end; });
    if (it != written.begin() && (*(it - 1))->byte_end() > r->byte_begin()) {
      throw_range_error(env, quoted(*r) + " overlaps " + quoted(**(it - 1)));
    }
  }
}

bool needs_slot(OptimKind kind, uint32_t flags, int slot) {
  switch (kind) {
    case OptimKind::sgd: return slot == 0 && (flags & kFlagMomentum);
    case OptimKind::adam: return slot < 2 || (flags & kFlagAmsgrad);
    case OptimKind::adagrad:
    case OptimKind::lion: return slot == 0;
    case OptimKind::rmsprop: return slot == 0 || (slot == 1 && (flags & kFlagMomentum)) || (slot == 2 && (flags & kFlagCentered));
    default: return slot < 2;  // adamax, nadam, radam, adadelta, lamb
  }
}

// Kinds with a kFlagTfjs kernel (tfjs_family.isa.cc).
bool has_tfjs_variant(OptimKind kind) {
  switch (kind) {
    case OptimKind::sgd:
    case OptimKind::adam:
    case OptimKind::adamax:
    case OptimKind::rmsprop:
    case OptimKind::adagrad:
    case OptimKind::adadelta: return true;
    default: return false;
  }
}

const char* const kScalarNames[kOptimScalarCount] = {"flags", "lr", "weightDecay", "beta1", "beta2", "eps",
                                                      "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};

OptimScalars read_scalars(Napi::Env env, const double* row, size_t tensor) {
  auto fail = [&](size_t k, const char* what) {
    throw_range_error(env, "'scalars' of tensor " + std::to_string(tensor) + ": '" + kScalarNames[k] + "' must be " +
                               what + " (got " + std::to_string(row[k]) + ")");
  };
  for (size_t k = 0; k < kOptimScalarCount; ++k) {
    if (!std::isfinite(row[k])) fail(k, "finite");
  }
  if (row[0] < 0 || row[0] != std::floor(row[0]) || row[0] > kOptimFlagMask) fail(0, "a valid flag set");
  for (size_t k : {1, 2, 5}) {
    if (row[k] < 0) fail(k, ">= 0");
  }
  for (size_t k : {3, 4}) {
    if (row[k] < 0 || row[k] > 1) fail(k, "in [0, 1]");
  }
  OptimScalars s;
  s.flags = static_cast<uint32_t>(row[0]);
  s.lr = static_cast<float>(row[1]);
  s.wd = static_cast<float>(row[2]);
  s.b1 = static_cast<float>(row[3]);
  s.b2 = static_cast<float>(row[4]);
  s.eps = static_cast<float>(row[5]);
  for (int k = 0; k < 8; ++k) s.c[k] = static_cast<float>(row[6 + k]);
  return s;
}

// kFlagBf16State: the kinds whose kernels take bf16 state (every
// element-wise one; not LAMB, not the TensorFlow.js formulas), and the
// Philox seed (c6) and step (c7) as exact integers below 2^32.
void read_bf16_scalars(Napi::Env env, OptimKind kind, const double* row, size_t tensor, OptimScalars* s) {
  const std::string where = "'scalars' of tensor " + std::to_string(tensor);
  if (kind == OptimKind::lamb || (s->flags & kFlagTfjs)) {
    throw_range_error(env, where + ": bf16 state is not available for LAMB or the TensorFlow.js formulas");
  }
  const double seed = row[12], step = row[13];
  auto is_u32 = [](double x) { return x >= 0 && x < 4294967296.0 && x == std::floor(x); };
  if (!is_u32(seed)) throw_range_error(env, where + ": 'c6' (bf16 state seed) must be an integer in [0, 2^32) (got " + std::to_string(seed) + ")");
  if (!is_u32(step)) throw_range_error(env, where + ": 'c7' (bf16 state step) must be an integer in [0, 2^32) (got " + std::to_string(step) + ")");
  s->rng_seed = static_cast<uint32_t>(seed);
  s->rng_step = static_cast<uint32_t>(step);
  s->rng_stream = static_cast<uint32_t>(tensor);
}

Napi::Value OptimStep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t kind_index = size_arg(info, 0, "kind");
  if (kind_index >= static_cast<size_t>(kOptimKindCount)) throw_range_error(env, "'kind' is not a known optimizer");
  const auto kind = static_cast<OptimKind>(kind_index);
  // All three lists are read before any pointer is taken (see list_values).
  const std::vector<Napi::Value> param_values = list_values(env, info[1], "params");
  const std::vector<Napi::Value> grad_values = list_values(env, info[2], "grads");
  const std::vector<Napi::Value> state_values = list_values(env, info[3], "states");
  ArrayList params, grads, states;
  to_list(env, param_values, "params", false, true, &params);
  to_list(env, grad_values, "grads", false, false, &grads);
  to_list(env, state_values, "states", true, true, &states, /*allow_u16=*/true);
  const size_t count = params.arrays.size();
  if (grads.arrays.size() != count) {
    throw_range_error(env, "'grads' must have one entry per param (got " + std::to_string(grads.arrays.size()) +
                               " for " + std::to_string(count) + " params)");
  }
  if (states.arrays.size() != kOptimStateSlots * count) {
    throw_range_error(env, "'states' must have " + std::to_string(kOptimStateSlots) + " entries per param (got " +
                               std::to_string(states.arrays.size()) + " for " + std::to_string(count) + " params)");
  }
  if (!info[4].IsTypedArray() || info[4].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw_type_error(env, "'scalars' must be a Float64Array (got " + describe(info[4]) + ")");
  }
  Napi::Float64Array table = info[4].As<Napi::Float64Array>();
  if (table.ElementLength() != count * kOptimScalarCount) {
    throw_range_error(env, "'scalars' must have " + std::to_string(kOptimScalarCount) + " entries per param (got " +
                               std::to_string(table.ElementLength()) + ")");
  }
  const bool skip_non_finite = to_bool(env, info[5], "skipNonFinite");

  std::vector<OptimTensorArgs> tensors(count);
  std::vector<const F32Array*> written, read;
  for (size_t i = 0; i < count; ++i) {
    const F32Array& p = params.arrays[i];
    const F32Array& g = grads.arrays[i];
    require_same_length(env, g, p);
    OptimTensorArgs& t = tensors[i];
    t.scalars = read_scalars(env, table.Data() + i * kOptimScalarCount, i);
    t.lr = table.Data()[i * kOptimScalarCount + 1];
    if ((t.scalars.flags & kFlagTfjs) && !has_tfjs_variant(kind)) {
      throw_range_error(env, "'scalars' of tensor " + std::to_string(i) + ": this optimizer has no TensorFlow.js variant");
    }
    const bool bf16 = (t.scalars.flags & kFlagBf16State) != 0;
    if (bf16) read_bf16_scalars(env, kind, table.Data() + i * kOptimScalarCount, i, &t.scalars);
    t.n = p.length;
    float* slot[kOptimStateSlots];
    for (int k = 0; k < kOptimStateSlots; ++k) {
      const F32Array& s = states.arrays[i * kOptimStateSlots + k];
      if (s.data == nullptr && needs_slot(kind, t.scalars.flags, k)) {
        throw_type_error(env, "'" + std::string(s.name) + "' must be a Float32Array (this optimizer needs it)");
      }
      if (s.data != nullptr) {
        if ((s.elem_bytes == sizeof(uint16_t)) != bf16) {
          throw_type_error(env, "'" + std::string(s.name) + "' must be a " + (bf16 ? "Uint16Array (bf16 state)" : "Float32Array") +
                                    " (got " + (bf16 ? "Float32Array" : "Uint16Array") + ")");
        }
        require_same_length(env, s, p);
        written.push_back(&s);
      }
      slot[k] = s.data;
    }
    written.push_back(&p);
    read.push_back(&g);
    if (bf16) {
      t.span = OptimSpan{p.data, g.data, nullptr, nullptr, nullptr};
      t.span.h0 = reinterpret_cast<uint16_t*>(slot[0]);
      t.span.h1 = reinterpret_cast<uint16_t*>(slot[1]);
      t.span.h2 = reinterpret_cast<uint16_t*>(slot[2]);
    } else {
      t.span = OptimSpan{p.data, g.data, slot[0], slot[1], slot[2]};
    }
  }
  require_disjoint(env, written, read);

  if (skip_non_finite) {
    std::vector<const float*> xs(count);
    std::vector<size_t> ns(count);
    for (size_t i = 0; i < count; ++i) {
      xs[i] = grads.arrays[i].data;
      ns[i] = grads.arrays[i].length;
    }
    if (arrays_any_nonfinite(xs.data(), ns.data(), count)) return Napi::Boolean::New(env, false);
  }
  optim_step(kind, tensors.data(), count);
  return Napi::Boolean::New(env, true);
}

void collect(const ArrayList& list, std::vector<float*>* xs, std::vector<size_t>* ns) {
  for (const F32Array& a : list.arrays) {
    xs->push_back(a.data);
    ns->push_back(a.length);
  }
}

Napi::Value GradNorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ArrayList list;
  read_list(env, info[0], "grads", false, false, &list);
  const double p = number_arg(info, 1, "normType");
  if (!(p == 1 || p == 2 || p == INFINITY)) throw_range_error(env, "'normType' must be 1, 2 or Infinity natively");
  std::vector<float*> xs;
  std::vector<size_t> ns;
  collect(list, &xs, &ns);
  const double norm = arrays_norm(xs.data(), ns.data(), xs.size(), p == INFINITY ? 0 : static_cast<int>(p));
  return Napi::Number::New(env, norm);
}

Napi::Value AnyNonFinite(const Napi::CallbackInfo& info) {
  ArrayList list;
  read_list(info.Env(), info[0], "arrays", false, false, &list);
  std::vector<float*> xs;
  std::vector<size_t> ns;
  collect(list, &xs, &ns);
  return Napi::Boolean::New(info.Env(), arrays_any_nonfinite(xs.data(), ns.data(), xs.size()));
}

Napi::Value ClampAll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ArrayList list;
  read_list(env, info[0], "grads", false, true, &list);
  const double lo = to_number(env, info[1], "lo");
  const double hi = to_number(env, info[2], "hi");
  if (std::isnan(lo) || std::isnan(hi) || lo > hi) throw_range_error(env, "'lo' and 'hi' must satisfy lo <= hi");
  std::vector<const F32Array*> written;
  for (const F32Array& a : list.arrays) written.push_back(&a);
  require_disjoint(env, written, {});
  std::vector<float*> xs;
  std::vector<size_t> ns;
  collect(list, &xs, &ns);
  arrays_clamp(xs.data(), ns.data(), xs.size(), static_cast<float>(lo), static_cast<float>(hi));
  return env.Undefined();
}

Napi::Value ScaleAll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ArrayList list;
  read_list(env, info[0], "grads", false, true, &list);
  const double factor = to_finite(env, info[1], "factor");
  std::vector<const F32Array*> written;
  for (const F32Array& a : list.arrays) written.push_back(&a);
  require_disjoint(env, written, {});
  for (const F32Array& a : list.arrays) vec_scale(a.data, a.length, static_cast<float>(factor));
  return env.Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  export_function<OptimStep>(env, exports, "optimStep");
  export_function<GradNorm>(env, exports, "gradNorm");
  export_function<AnyNonFinite>(env, exports, "anyNonFinite");
  export_function<ClampAll>(env, exports, "clampAll");
  export_function<ScaleAll>(env, exports, "scaleAll");
}

BindingRegistrar registrar("optim", Init);

}  // namespace
}  // namespace addon
}  // namespace simdtrain

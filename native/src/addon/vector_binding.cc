// Vector primitives on Float32Array: fill, scale, axpy, dot, sum, sumOfSquares.
#include <napi.h>

#include "../kernels/vector/vector_ops.h"
#include "args.h"
#include "guard.h"
#include "registry.h"

namespace simdtrain {
namespace addon {
namespace {

// fill(out, value)
Napi::Value Fill(const Napi::CallbackInfo& info) {
  F32Array out = f32_out_arg(info, 0, "out");
  const double value = number_arg(info, 1, "value");
  vec_fill(out.data, out.length, static_cast<float>(value));
  return info.Env().Undefined();
}

// scale(x, alpha): x *= alpha in place
Napi::Value Scale(const Napi::CallbackInfo& info) {
  F32Array x = f32_out_arg(info, 0, "x");
  const double alpha = number_arg(info, 1, "alpha");
  vec_scale(x.data, x.length, static_cast<float>(alpha));
  return info.Env().Undefined();
}

// axpy(alpha, x, y): y += alpha * x
Napi::Value Axpy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double alpha = number_arg(info, 0, "alpha");
  F32Array x = f32_arg(info, 1, "x");
  F32Array y = f32_out_arg(info, 2, "y");
  require_same_length(env, x, y);
  require_no_overlap(env, y, x, /*allow_identical=*/true);
  vec_axpy(x.length, static_cast<float>(alpha), x.data, y.data);
  return env.Undefined();
}

Napi::Value Dot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32Array x = f32_arg(info, 0, "x");
  F32Array y = f32_arg(info, 1, "y");
  require_same_length(env, x, y);
  return Napi::Number::New(env, vec_dot(x.length, x.data, y.data));
}

Napi::Value Sum(const Napi::CallbackInfo& info) {
  F32Array x = f32_arg(info, 0, "x");
  return Napi::Number::New(info.Env(), vec_sum(x.length, x.data));
}

Napi::Value SumOfSquares(const Napi::CallbackInfo& info) {
  F32Array x = f32_arg(info, 0, "x");
  return Napi::Number::New(info.Env(), vec_sum_sq(x.length, x.data));
}

void Init(Napi::Env env, Napi::Object exports) {
  export_function<Fill>(env, exports, "fill");
  export_function<Scale>(env, exports, "scale");
  export_function<Axpy>(env, exports, "axpy");
  export_function<Dot>(env, exports, "dot");
  export_function<Sum>(env, exports, "sum");
  export_function<SumOfSquares>(env, exports, "sumOfSquares");
}

BindingRegistrar registrar("vector", Init);

}  // namespace
}  // namespace addon
}  // namespace simdtrain

// Convolution and pooling kernels on NHWC Float32Arrays (conv2d.h,
// pool2d.h): used by the tests and the tfjs backend. Shapes come as objects
// (see layer_args.h), read before any array; the workspace is allocated here.
#include <napi.h>

#include <vector>

#include "../kernels/conv/conv2d.h"
#include "../kernels/conv/pool2d.h"
#include "layer_args.h"
#include "guard.h"
#include "registry.h"

namespace simdtrain {
namespace addon {
namespace {

std::vector<float> workspace(const Conv2dShape& s) { return std::vector<float>(conv2d_workspace_floats(s)); }

// conv2dForward(shape, x, w, bias | null, relu, y)
Napi::Value Conv2dForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Conv2dShape s = conv_shape_arg(env, info[0], "shape");
  const bool relu = to_bool(env, info[4], "relu");
  F32Array x = f32_arg(info, 1, "x"), w = f32_arg(info, 2, "w");
  F32Array bias = optional_f32(env, info[3], "bias");
  F32Array y = f32_out_arg(info, 5, "y");
  require_len(env, x, s.x_size());
  require_len(env, w, s.w_size());
  require_len_if_present(env, bias, s.out_c);
  require_len(env, y, s.y_size());
  require_disjoint(env, {&y}, {&x, &w, &bias});
  std::vector<float> ws = workspace(s);
  conv2d_forward(s, x.data, w.data, bias.data, relu ? Activation::relu : Activation::none, y.data, ws.data());
  return env.Undefined();
}

// conv2dBackward(shape, x, w, dy, dx | null, dw | null, db | null, accumulate)
Napi::Value Conv2dBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Conv2dShape s = conv_shape_arg(env, info[0], "shape");
  const bool accumulate = to_bool(env, info[7], "accumulate");
  F32Array x = f32_arg(info, 1, "x"), w = f32_arg(info, 2, "w"), dy = f32_arg(info, 3, "dy");
  F32Array dx = optional_f32(env, info[4], "dx", true), dw = optional_f32(env, info[5], "dw", true),
           db = optional_f32(env, info[6], "db", true);
  require_len(env, x, s.x_size());
  require_len(env, w, s.w_size());
  require_len(env, dy, s.y_size());
  require_len_if_present(env, dx, s.x_size());
  require_len_if_present(env, dw, s.w_size());
  require_len_if_present(env, db, s.out_c);
  require_disjoint(env, {&dx, &dw, &db}, {&x, &w, &dy});
  std::vector<float> ws = workspace(s);
  conv2d_backward(s, x.data, w.data, dy.data, dx.data, dw.data, db.data, accumulate, ws.data());
  return env.Undefined();
}

// conv2dBackwardInput(shape, w, dy, dx)
Napi::Value Conv2dBackwardInput(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Conv2dShape s = conv_shape_arg(env, info[0], "shape");
  F32Array w = f32_arg(info, 1, "w"), dy = f32_arg(info, 2, "dy");
  F32Array dx = f32_out_arg(info, 3, "dx");
  require_len(env, w, s.w_size());
  require_len(env, dy, s.y_size());
  require_len(env, dx, s.x_size());
  require_disjoint(env, {&dx}, {&w, &dy});
  std::vector<float> ws = workspace(s);
  conv2d_backward_input(s, w.data, dy.data, dx.data, ws.data());
  return env.Undefined();
}

// conv2dBackwardFilter(shape, x, dy, dw, db | null, accumulate)
Napi::Value Conv2dBackwardFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Conv2dShape s = conv_shape_arg(env, info[0], "shape");
  const bool accumulate = to_bool(env, info[5], "accumulate");
  F32Array x = f32_arg(info, 1, "x"), dy = f32_arg(info, 2, "dy");
  F32Array dw = f32_out_arg(info, 3, "dw");
  F32Array db = optional_f32(env, info[4], "db", true);
  require_len(env, x, s.x_size());
  require_len(env, dy, s.y_size());
  require_len(env, dw, s.w_size());
  require_len_if_present(env, db, s.out_c);
  require_disjoint(env, {&dw, &db}, {&x, &dy});
  std::vector<float> ws = workspace(s);
  conv2d_backward_filter(s, x.data, dy.data, dw.data, db.data, accumulate, ws.data());
  return env.Undefined();
}

// maxPool2dForward(shape, x, y) / avgPool2dForward(shape, x, y, countIncludePad)
template <bool kMax>
Napi::Value PoolForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Pool2dShape s = pool_shape_arg(env, info[0], "shape");
  const bool include_pad = kMax ? false : to_bool(env, info[3], "countIncludePad");
  F32Array x = f32_arg(info, 1, "x");
  F32Array y = f32_out_arg(info, 2, "y");
  require_len(env, x, s.x_size());
  require_len(env, y, s.y_size());
  require_disjoint(env, {&y}, {&x});
  if (kMax) maxpool2d_forward(s, x.data, y.data);
  else avgpool2d_forward(s, x.data, y.data, include_pad);
  return env.Undefined();
}

// maxPool2dBackward(shape, x, dy, dx)
Napi::Value MaxPoolBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Pool2dShape s = pool_shape_arg(env, info[0], "shape");
  F32Array x = f32_arg(info, 1, "x"), dy = f32_arg(info, 2, "dy");
  F32Array dx = f32_out_arg(info, 3, "dx");
  require_len(env, x, s.x_size());
  require_len(env, dy, s.y_size());
  require_len(env, dx, s.x_size());
  require_disjoint(env, {&dx}, {&x, &dy});
  maxpool2d_backward(s, x.data, dy.data, dx.data);
  return env.Undefined();
}

// avgPool2dBackward(shape, dy, dx, countIncludePad)
Napi::Value AvgPoolBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Pool2dShape s = pool_shape_arg(env, info[0], "shape");
  const bool include_pad = to_bool(env, info[3], "countIncludePad");
  F32Array dy = f32_arg(info, 1, "dy");
  F32Array dx = f32_out_arg(info, 2, "dx");
  require_len(env, dy, s.y_size());
  require_len(env, dx, s.x_size());
  require_disjoint(env, {&dx}, {&dy});
  avgpool2d_backward(s, dy.data, dx.data, include_pad);
  return env.Undefined();
}

// globalAvgPoolForward(batch, hw, c, x, y) / globalAvgPoolBackward(batch, hw, c, dy, dx)
template <bool kForward>
Napi::Value GlobalAvgPool(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t batch = size_arg(info, 0, "batch"), hw = size_arg(info, 1, "hw"), c = size_arg(info, 2, "c");
  if (!hw) throw_range_error(env, "'hw' must be at least 1");
  const size_t big = checked_mul(env, checked_mul(env, batch, hw, "batch * hw"), c, "batch * hw * c");
  const size_t small = batch * c;
  F32Array in = f32_arg(info, 3, kForward ? "x" : "dy");
  F32Array out = f32_out_arg(info, 4, kForward ? "y" : "dx");
  require_len(env, in, kForward ? big : small);
  require_len(env, out, kForward ? small : big);
  require_disjoint(env, {&out}, {&in});
  if (kForward) global_avgpool_forward(batch, hw, c, in.data, out.data);
  else global_avgpool_backward(batch, hw, c, in.data, out.data);
  return env.Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  export_function<Conv2dForward>(env, exports, "conv2dForward");
  export_function<Conv2dBackward>(env, exports, "conv2dBackward");
  export_function<Conv2dBackwardInput>(env, exports, "conv2dBackwardInput");
  export_function<Conv2dBackwardFilter>(env, exports, "conv2dBackwardFilter");
  export_function<PoolForward<true>>(env, exports, "maxPool2dForward");
  export_function<MaxPoolBackward>(env, exports, "maxPool2dBackward");
  export_function<PoolForward<false>>(env, exports, "avgPool2dForward");
  export_function<AvgPoolBackward>(env, exports, "avgPool2dBackward");
  export_function<GlobalAvgPool<true>>(env, exports, "globalAvgPoolForward");
  export_function<GlobalAvgPool<false>>(env, exports, "globalAvgPoolBackward");
}

BindingRegistrar registrar("conv", Init);

}  // namespace
}  // namespace addon
}  // namespace simdtrain

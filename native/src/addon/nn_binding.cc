// nn kernels on Float32Array matrices (row-major, rows x cols): activation
// forward/backward, column sums, finiteness check, fused losses. Used by the
// TypeScript layers and losses outside the training plan, and by the tests.
#include <napi.h>

#include <vector>

#include "../kernels/nn/nn_ops.h"
#include "args.h"
#include "nn_args.h"
#include "guard.h"
#include "registry.h"

namespace simdtrain {
namespace addon {
namespace {

size_t matrix_size(Napi::Env env, size_t rows, size_t cols) { return checked_mul(env, rows, cols, "rows * cols"); }

// nnBiasAct(x, rows, cols, bias | null, y, act, alpha): y = act(x + bias)
Napi::Value BiasAct(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32Array x = f32_arg(info, 0, "x");
  const size_t rows = size_arg(info, 1, "rows"), cols = size_arg(info, 2, "cols");
  F32Array bias = optional_f32(env, info[3], "bias");
  F32Array y = f32_out_arg(info, 4, "y");
  const int act = code_arg(env, info[5], "act", kActCount);
  const double alpha = to_finite(env, info[6], "alpha");
  const size_t n = matrix_size(env, rows, cols);
  require_length(env, x.length, n, "x");
  require_length(env, y.length, n, "y");
  if (bias.data) {
    require_length(env, bias.length, cols, "bias");
    require_no_overlap(env, y, bias, false);
  }
  require_no_overlap(env, y, x, /*allow_identical=*/true);
  nn_bias_act(rows, cols, x.data, bias.data, y.data, act, static_cast<float>(alpha));
  return env.Undefined();
}

// nnActBackward(x | null, y, dy, dx, rows, cols, act, alpha): dx = dy * act'
Napi::Value ActBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32Array x = optional_f32(env, info[0], "x");
  F32Array y = f32_arg(info, 1, "y");
  F32Array dy = f32_arg(info, 2, "dy");
  F32Array dx = f32_out_arg(info, 3, "dx");
  const size_t rows = size_arg(info, 4, "rows"), cols = size_arg(info, 5, "cols");
  const int act = code_arg(env, info[6], "act", kActCount);
  const double alpha = to_finite(env, info[7], "alpha");
  const size_t n = matrix_size(env, rows, cols);
  if (act_needs_input(act) && !x.data) throw_type_error(env, "'x' (the pre-activation) is required for this activation");
  if (x.data) {
    require_length(env, x.length, n, "x");
    require_no_overlap(env, dx, x, false);
  }
  require_length(env, y.length, n, "y");
  require_length(env, dy.length, n, "dy");
  require_length(env, dx.length, n, "dx");
  require_no_overlap(env, dx, y, false);
  require_no_overlap(env, dx, dy, true);
  nn_act_backward(rows, cols, x.data, y.data, dy.data, dx.data, act, static_cast<float>(alpha));
  return env.Undefined();
}

// nnColSums(x, rows, cols, out, accumulate)
Napi::Value ColSums(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32Array x = f32_arg(info, 0, "x");
  const size_t rows = size_arg(info, 1, "rows"), cols = size_arg(info, 2, "cols");
  F32Array out = f32_out_arg(info, 3, "out");
  const bool accumulate = to_bool(env, info[4], "accumulate");
  require_length(env, x.length, matrix_size(env, rows, cols), "x");
  require_length(env, out.length, cols, "out");
  require_no_overlap(env, out, x, false);
  nn_col_sums(rows, cols, x.data, out.data, accumulate);
  return env.Undefined();
}

Napi::Value AllFinite(const Napi::CallbackInfo& info) {
  F32Array x = f32_arg(info, 0, "x");
  return Napi::Boolean::New(info.Env(), nn_all_finite(x.length, x.data));
}

// nnLoss(loss, out, rows, cols, labels | null, targets | null, scale, grad | null)
//   -> [sum, correct]
Napi::Value Loss(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int loss = code_arg(env, info[0], "loss", kLossCount);
  F32Array out = f32_arg(info, 1, "output");
  const size_t rows = size_arg(info, 2, "rows"), cols = size_arg(info, 3, "cols");
  I32Array labels = optional_i32(env, info[4], "labels");
  F32Array targets = optional_f32(env, info[5], "targets");
  const double scale = to_finite(env, info[6], "scale");
  F32Array grad = optional_f32(env, info[7], "grad", /*write=*/true);
  const size_t n = matrix_size(env, rows, cols);
  std::vector<int32_t> label_copy;
  require_length(env, out.length, n, "output");
  if ((labels.data != nullptr) == (targets.data != nullptr)) throw_type_error(env, "give exactly one of 'labels' and 'targets'");
  if (labels.data) {
    if (loss != kLossSoftmaxXent) throw_type_error(env, "'labels' are only accepted by softmaxCrossEntropy; give 'targets'");
    require_length(env, labels.length, rows, "labels");
    // The kernel indexes with the labels: it gets a copy, checked here. (On a
    // SharedArrayBuffer another thread may rewrite them at any time.)
    label_copy.assign(labels.data, labels.data + rows);
    require_labels(env, label_copy.data(), rows, cols, "labels");
  } else {
    require_length(env, targets.length, n, "targets");
  }
  if (grad.data) {
    require_length(env, grad.length, n, "grad");
    require_no_overlap(env, grad, out, true);
    if (targets.data) require_no_overlap(env, grad, targets, false);
  }
  const LossResult r = nn_loss(loss, rows, cols, out.data, labels.data ? label_copy.data() : nullptr, targets.data, static_cast<float>(scale), grad.data);
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, Napi::Number::New(env, r.sum));
  result.Set(1u, Napi::Number::New(env, static_cast<double>(r.correct)));
  return result;
}

void Init(Napi::Env env, Napi::Object exports) {
  export_function<BiasAct>(env, exports, "nnBiasAct");
  export_function<ActBackward>(env, exports, "nnActBackward");
  export_function<ColSums>(env, exports, "nnColSums");
  export_function<AllFinite>(env, exports, "nnAllFinite");
  export_function<Loss>(env, exports, "nnLoss");
}

BindingRegistrar registrar("nn", Init);

}  // namespace
}  // namespace addon
}  // namespace simdtrain

// Element-wise kernels of the tfjs backend on Float32Array:
//   ewBinary(op, mode, rows, cols, a, b, out): out = a op b, b broadcast per
//     column (mode 0, b.length == cols) or per row (mode 1, b.length == rows)
//   ewStep(x, alpha, out): tfjs's Step
// Everything is validated before anything is written.
#include <napi.h>

#include "../kernels/elementwise/elementwise_ops.h"
#include "args.h"
#include "nn_args.h"
#include "guard.h"
#include "registry.h"

namespace simdtrain {
namespace addon {
namespace {

Napi::Value EwBinary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int op = code_arg(env, info[0], "op", kBinOpCount);
  const int mode = code_arg(env, info[1], "mode", kBinModeCount);
  const size_t rows = size_arg(info, 2, "rows"), cols = size_arg(info, 3, "cols");
  F32Array a = f32_arg(info, 4, "a");
  F32Array b = f32_arg(info, 5, "b");
  F32Array out = f32_out_arg(info, 6, "out");
  const size_t n = checked_mul(env, rows, cols, "rows * cols");
  require_length(env, a.length, n, "a");
  require_length(env, b.length, mode == kBinRow ? cols : rows, "b");
  require_length(env, out.length, n, "out");
  require_no_overlap(env, out, a, /*allow_identical=*/true);
  require_no_overlap(env, out, b, false);
  ew_binary(op, mode, rows, cols, a.data, b.data, out.data);
  return env.Undefined();
}

Napi::Value EwStep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32Array x = f32_arg(info, 0, "x");
  const double alpha = number_arg(info, 1, "alpha");
  F32Array out = f32_out_arg(info, 2, "out");
  require_length(env, out.length, x.length, "out");
  require_no_overlap(env, out, x, /*allow_identical=*/true);
  ew_step(x.length, x.data, static_cast<float>(alpha), out.data);
  return env.Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  export_function<EwBinary>(env, exports, "ewBinary");
  export_function<EwStep>(env, exports, "ewStep");
}

BindingRegistrar registrar("elementwise", Init);

}  // namespace
}  // namespace addon
}  // namespace simdtrain

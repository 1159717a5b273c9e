// Counter-based random fills of a Float32Array:
//   rngUniform(out, low, high, seed, offset)
//   rngNormal(out, mean, std, seed, offset)
//   rngTruncatedNormal(out, mean, std, low, high, seed, offset)
// seed and offset are integers in [0, 2^53); out[i] takes stream element
// offset + i. Every argument is checked before anything is written.
#include <napi.h>

#include <cfloat>
#include <cmath>
#include <string>

#include "../kernels/rng/rng_ops.h"
#include "args.h"
#include "guard.h"
#include "registry.h"

namespace simdtrain {
namespace addon {
namespace {

std::string q(const char* name) { return std::string("'") + name + "'"; }

// A finite number that stays finite as a float32.
double f32_value_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const double x = to_finite(info.Env(), info[index], name);
  if (std::fabs(x) > FLT_MAX) throw_range_error(info.Env(), q(name) + " is outside the float32 range");
  return x;
}

// offset + length must stay below 2^53 so every stream index is exact in JS.
uint64_t offset_arg(const Napi::CallbackInfo& info, size_t index, const F32Array& out) {
  const size_t offset = size_arg(info, index, "offset");
  constexpr double kLimit = 9007199254740992.0;  // 2^53
  if (static_cast<double>(offset) + static_cast<double>(out.length) > kLimit) {
    throw_range_error(info.Env(), "'offset' + length of 'out' must be at most 2^53");
  }
  return offset;
}

Napi::Value Uniform(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32Array out = f32_out_arg(info, 0, "out");
  const float low = static_cast<float>(f32_value_arg(info, 1, "low"));
  const float high = static_cast<float>(f32_value_arg(info, 2, "high"));
  const uint64_t seed = size_arg(info, 3, "seed");
  const uint64_t offset = offset_arg(info, 4, out);
  if (!(low < high)) throw_range_error(env, "'low' must be less than 'high' (as float32)");
  if (!std::isfinite(high - low)) throw_range_error(env, "'high' - 'low' overflows float32");
  rng_uniform(out.data, out.length, seed, offset, low, high);
  return env.Undefined();
}

// (out, mean, std, ...) shared by both normal fills; std >= 0.
struct NormalArgs {
  F32Array out;
  double mean, std;
};
NormalArgs normal_args(const Napi::CallbackInfo& info) {
  // Braced initialisation runs left to right: arguments are checked in order.
  NormalArgs a{f32_out_arg(info, 0, "out"), f32_value_arg(info, 1, "mean"), f32_value_arg(info, 2, "std")};
  if (a.std < 0) throw_range_error(info.Env(), "'std' must be >= 0 (got " + std::to_string(a.std) + ")");
  return a;
}

Napi::Value Normal(const Napi::CallbackInfo& info) {
  const auto [out, mean, std] = normal_args(info);
  const uint64_t seed = size_arg(info, 3, "seed");
  const uint64_t offset = offset_arg(info, 4, out);
  rng_normal(out.data, out.length, seed, offset, static_cast<float>(mean), static_cast<float>(std));
  return info.Env().Undefined();
}

Napi::Value TruncatedNormal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto [out, mean, std] = normal_args(info);
  const double low = f32_value_arg(info, 3, "low");
  const double high = f32_value_arg(info, 4, "high");
  const uint64_t seed = size_arg(info, 5, "seed");
  const uint64_t offset = offset_arg(info, 6, out);
  if (std == 0) {
    // Degenerate: every sample is the mean, which must lie inside the bounds.
    if (!(low <= mean && mean <= high)) throw_range_error(env, "'mean' must lie in ['low', 'high'] when 'std' is 0");
  } else {
    if (!(static_cast<float>(low) < static_cast<float>(high))) {
      throw_range_error(env, "'low' must be less than 'high' (as float32)");
    }
    // Past ~12 std the float quantile runs out of range: refuse rather than
    // pile every sample onto one bound.
    const double a = (low - mean) / std, b = (high - mean) / std;
    if (a > 12 || b < -12) throw_range_error(env, "['low', 'high'] lies more than 12 'std' away from 'mean'");
  }
  rng_truncated_normal(out.data, out.length, seed, offset, mean, std, low, high);
  return env.Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  export_function<Uniform>(env, exports, "rngUniform");
  export_function<Normal>(env, exports, "rngNormal");
  export_function<TruncatedNormal>(env, exports, "rngTruncatedNormal");
}

BindingRegistrar registrar("rng", Init);

}  // namespace
}  // namespace addon
}  // namespace simdtrain

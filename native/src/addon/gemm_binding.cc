// sgemm / sgemmAsync on row-major Float32Arrays (BLAS argument order):
//   sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc[, { bias, activation, precision }])
// Everything is validated on the JS thread before any work starts, so a call
// that throws writes nothing; the async form then runs on libuv's pool and
// keeps A, B, C and bias alive until it settles.
#include <napi.h>

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include "../kernels/gemm/gemm.h"
#include "args.h"
#include "async_task.h"
#include "registry.h"

namespace simdtrain {
namespace addon {
namespace {

bool to_trans(Napi::Env env, Napi::Value v, const char* name) {
  bool flag = false;
  if (napi_get_value_bool(env, v, &flag) == napi_ok) return flag;  // fails on non-booleans
  if (v.IsString()) {
    const std::string s = v.As<Napi::String>().Utf8Value();
    if (s == "N" || s == "n") return false;
    if (s == "T" || s == "t") return true;
    throw_range_error(env, std::string("'") + name + "' must be false/'N' or true/'T' (got '" + s + "')");
  }
  throw_type_error(env, std::string("'") + name + "' must be a boolean or 'N'/'T' (got " + describe(v) + ")");
}

// The floats a stored rows x cols matrix with leading dimension ld spans.
size_t span_of(Napi::Env env, size_t rows, size_t cols, size_t ld, const char* matrix) {
  size_t span;
  if (!gemm_span(rows, cols, ld, &span)) throw_range_error(env, std::string("'") + matrix + "' size overflows");
  return span;
}

void require_ld(Napi::Env env, size_t ld, size_t row_length, const char* name, const char* what) {
  const size_t need = std::max<size_t>(1, row_length);
  if (ld < need) {
    throw_range_error(env, std::string("'") + name + "' must be >= max(1, " + what + ") = " + std::to_string(need) +
                               " (got " + std::to_string(ld) + ")");
  }
}

// Only the floats the GEMM touches count for overlap: views of one buffer
// that do not share used elements are fine.
F32Array used(const F32Array& array, size_t span) {
  F32Array out = array;
  out.length = span;
  return out;
}

struct Parsed {
  GemmArgs args;
  Napi::Value a, b, c, bias;       // kept alive by the async form
  // Used ranges, claimed by the async form while it runs (the sync form
  // allocates nothing for them).
  F32Array a_used, b_used, c_used, bias_used;
};

Parsed parse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Parsed p;
  GemmArgs& g = p.args;
  g.trans_a = to_trans(env, info[0], "transA");
  g.trans_b = to_trans(env, info[1], "transB");
  g.m = size_arg(info, 2, "M");
  g.n = size_arg(info, 3, "N");
  g.k = size_arg(info, 4, "K");
  g.alpha = static_cast<float>(number_arg(info, 5, "alpha"));
  F32Array a = f32_arg(info, 6, "A");
  g.lda = size_arg(info, 7, "lda");
  F32Array b = f32_arg(info, 8, "B");
  g.ldb = size_arg(info, 9, "ldb");
  g.beta = static_cast<float>(number_arg(info, 10, "beta"));
  F32Array c = f32_out_arg(info, 11, "C");
  g.ldc = size_arg(info, 12, "ldc");

  require_ld(env, g.lda, g.trans_a ? g.m : g.k, "lda", g.trans_a ? "M" : "K");
  require_ld(env, g.ldb, g.trans_b ? g.k : g.n, "ldb", g.trans_b ? "K" : "N");
  require_ld(env, g.ldc, g.n, "ldc", "N");
  const size_t a_span = span_of(env, g.trans_a ? g.k : g.m, g.trans_a ? g.m : g.k, g.lda, "A");
  const size_t b_span = span_of(env, g.trans_b ? g.n : g.k, g.trans_b ? g.k : g.n, g.ldb, "B");
  const size_t c_span = span_of(env, g.m, g.n, g.ldc, "C");
  require_min_length(env, a, a_span);
  require_min_length(env, b, b_span);
  require_min_length(env, c, c_span);
  require_no_overlap(env, used(c, c_span), used(a, a_span), false);
  require_no_overlap(env, used(c, c_span), used(b, b_span), false);

  p.a = info[6], p.b = info[8], p.c = info[11];
  p.a_used = used(a, a_span);
  p.b_used = used(b, b_span);
  p.c_used = used(c, c_span);
  if (info.Length() > 13 && !info[13].IsUndefined()) {
    if (!info[13].IsObject() || info[13].IsArray() || info[13].IsTypedArray()) {
      throw_type_error(env, "'options' must be an object (got " + describe(info[13]) + ")");
    }
    Napi::Object opts = info[13].As<Napi::Object>();
    Napi::Value bias = opts.Get("bias");
    if (!bias.IsUndefined() && !bias.IsNull()) {
      F32Array bv = to_f32(env, bias, "bias");
      if (bv.length != g.n) {
        throw_range_error(env, "'bias' must have N = " + std::to_string(g.n) + " elements (got " +
                                   std::to_string(bv.length) + ")");
      }
      require_no_overlap(env, used(c, c_span), bv, false);
      g.epilogue.bias = bv.data;
      p.bias = bias;
      p.bias_used = bv;
    }
    Napi::Value act = opts.Get("activation");
    if (!act.IsUndefined()) {
      if (!act.IsString()) throw_type_error(env, "'activation' must be 'relu' or 'none' (got " + describe(act) + ")");
      const std::string s = act.As<Napi::String>().Utf8Value();
      if (s == "relu") g.epilogue.activation = Activation::relu;
      else if (s != "none") throw_range_error(env, "'activation' must be 'relu' or 'none' (got '" + s + "')");
    }
    Napi::Value precision = opts.Get("precision");
    if (!precision.IsUndefined()) {
      if (!precision.IsString()) throw_type_error(env, "'precision' must be 'fp32' or 'bf16' (got " + describe(precision) + ")");
      const std::string s = precision.As<Napi::String>().Utf8Value();
      if (s == "bf16") g.precision = Precision::bf16;
      else if (s != "fp32") throw_range_error(env, "'precision' must be 'fp32' or 'bf16' (got '" + s + "')");
    }
  }
  g.a = a.data;
  g.b = b.data;
  g.c = c.data;
  return p;
}

Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Parsed p = parse(info);
  try {
    sgemm(p.args);
  } catch (const std::exception& e) {  // out of memory for packing buffers
    throw Napi::Error::New(info.Env(), std::string("simdtrain: sgemm failed: ") + e.what());
  }
  return info.Env().Undefined();
}

Napi::Value SgemmAsync(const Napi::CallbackInfo& info) {
  Parsed p = parse(info);
  const GemmArgs args = p.args;
  Napi::Value bias = p.bias.IsEmpty() ? info.Env().Undefined() : p.bias;
  std::vector<BufferUse> buffers = {{p.a_used, false}, {p.b_used, false}, {p.c_used, true}};
  if (!p.bias.IsEmpty()) buffers.push_back({p.bias_used, false});
  return AsyncTask::Queue(info.Env(), "simdtrain.sgemm", {p.a, p.b, p.c, bias}, buffers, [args]() { sgemm(args); });
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("sgemm", Napi::Function::New(env, Sgemm, "sgemm"));
  exports.Set("sgemmAsync", Napi::Function::New(env, SgemmAsync, "sgemmAsync"));
}

BindingRegistrar registrar("gemm", Init);

}  // namespace
}  // namespace addon
}  // namespace simdtrain

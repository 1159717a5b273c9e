// sgemm / sgemmAsync on row-major Float32Arrays (BLAS argument order):
//   sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc[, { bias, activation, precision }])
// Everything is validated on the JS thread before any work starts, so a call
// that throws writes nothing; the options object is read before any pointer
// is taken. The async form runs on libuv's pool over native copies of its
// inputs and output (async_buffers.h).
#include <napi.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "../kernels/gemm/gemm.h"
#include "args.h"
#include "async_buffers.h"
#include "async_task.h"
#include "guard.h"
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
  Napi::Value a, b, c, bias;  // the typed arrays (the async form keeps them alive)
  // Used ranges, claimed by the async form while it runs (the sync form
  // allocates nothing for them).
  F32Array a_used, b_used, c_used, bias_used;
};

// The options object is read first: its getters (user code) may detach or
// resize any argument, so no pointer is taken before they have run.
struct Options {
  Napi::Value bias;
  Activation activation = Activation::none;
  Precision precision = Precision::fp32;
};
Options read_options(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Options o;
  if (info.Length() <= 13 || info[13].IsUndefined()) return o;
  if (!info[13].IsObject() || info[13].IsArray() || info[13].IsTypedArray()) {
    throw_type_error(env, "'options' must be an object (got " + describe(info[13]) + ")");
  }
  Napi::Object opts = info[13].As<Napi::Object>();
  Napi::Value bias = opts.Get("bias");
  if (!bias.IsUndefined() && !bias.IsNull()) o.bias = bias;
  Napi::Value act = opts.Get("activation");
  if (!act.IsUndefined()) {
    if (!act.IsString()) throw_type_error(env, "'activation' must be 'relu' or 'none' (got " + describe(act) + ")");
    const std::string s = act.As<Napi::String>().Utf8Value();
    if (s == "relu") o.activation = Activation::relu;
    else if (s != "none") throw_range_error(env, "'activation' must be 'relu' or 'none' (got '" + s + "')");
  }
  Napi::Value precision = opts.Get("precision");
  if (!precision.IsUndefined()) {
    if (!precision.IsString()) throw_type_error(env, "'precision' must be 'fp32' or 'bf16' (got " + describe(precision) + ")");
    const std::string s = precision.As<Napi::String>().Utf8Value();
    if (s == "bf16") o.precision = Precision::bf16;
    else if (s != "fp32") throw_range_error(env, "'precision' must be 'fp32' or 'bf16' (got '" + s + "')");
  }
  return o;
}

Parsed parse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Options options = read_options(info);  // user code runs here, and only here
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
  if (!options.bias.IsEmpty()) {
    F32Array bv = to_f32(env, options.bias, "bias");
    if (bv.length != g.n) {
      throw_range_error(env, "'bias' must have N = " + std::to_string(g.n) + " elements (got " + std::to_string(bv.length) + ")");
    }
    require_no_overlap(env, used(c, c_span), bv, false);
    g.epilogue.bias = bv.data;
    p.bias = options.bias;
    p.bias_used = bv;
  }
  g.epilogue.activation = options.activation;
  g.precision = options.precision;
  g.a = a.data;
  g.b = b.data;
  g.c = c.data;
  return p;
}

Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Parsed p = parse(info);
  sgemm(p.args);  // a C++ exception (out of memory for packing) becomes a JS error in export_function
  return info.Env().Undefined();
}

// Inputs are copied and C is computed natively, then copied back when the
// work completes (async_buffers.h): the arrays may be transferred or resized
// meanwhile without the pool thread ever touching freed memory.
Napi::Value SgemmAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Parsed p = parse(info);
  GemmArgs args = p.args;
  const bool reads_ab = args.alpha != 0.0f && args.k > 0;
  auto a = std::make_shared<AsyncIn>(reads_ab ? async_input(env, p.a, p.a_used, args.trans_a ? args.k : args.m,
                                                            args.trans_a ? args.m : args.k, args.lda)
                                              : AsyncIn{});
  auto b = std::make_shared<AsyncIn>(reads_ab ? async_input(env, p.b, p.b_used, args.trans_b ? args.n : args.k,
                                                            args.trans_b ? args.k : args.n, args.ldb)
                                              : AsyncIn{});
  auto bias = std::make_shared<AsyncIn>(p.bias.IsEmpty() ? AsyncIn{} : async_input(env, p.bias, p.bias_used, 1, args.n, args.n));
  auto c = std::make_shared<AsyncOut>(env, p.c, p.c_used, args.m, args.n, args.ldc, args.beta != 0.0f);
  if (reads_ab) {
    args.a = a->data, args.lda = std::max<size_t>(a->ld, 1);
    args.b = b->data, args.ldb = std::max<size_t>(b->ld, 1);
  }
  if (!p.bias.IsEmpty()) args.epilogue.bias = bias->data;
  args.c = c->data(), args.ldc = std::max<size_t>(c->ld(), 1);
  std::vector<BufferUse> buffers = {{p.a_used, false}, {p.b_used, false}, {p.c_used, true}};
  if (!p.bias.IsEmpty()) buffers.push_back({p.bias_used, false});
  Napi::Value bias_value = p.bias.IsEmpty() ? env.Undefined() : p.bias;
  return AsyncTask::Queue(
      env, "simdtrain.sgemm", {p.a, p.b, p.c, bias_value}, buffers, [args, a, b, bias, c]() { sgemm(args); },
      [c](Napi::Env e) {
        c->commit(e);
        return e.Undefined();
      });
}

void Init(Napi::Env env, Napi::Object exports) {
  export_function<Sgemm>(env, exports, "sgemm");
  export_function<SgemmAsync>(env, exports, "sgemmAsync");
}

BindingRegistrar registrar("gemm", Init);

}  // namespace
}  // namespace addon
}  // namespace simdtrain

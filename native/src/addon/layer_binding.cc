// Normalization, dropout and embedding kernels on Float32Arrays
// (batchnorm.h, layernorm.h, dropout.h, embedding.h): used by the tests and
// the tfjs backend. Numbers are read first, typed-array pointers last.
#include <napi.h>

#include <string>

#include "../kernels/layers/dropout.h"
#include "../kernels/layers/embedding.h"
#include "../kernels/norm/batchnorm.h"
#include "../kernels/norm/layernorm.h"
#include "layer_args.h"
#include "guard.h"
#include "registry.h"

namespace simdtrain {
namespace addon {
namespace {

// A positive finite epsilon.
float eps_arg(Napi::Env env, Napi::Value v) {
  const double eps = to_finite(env, v, "eps");
  if (!(eps > 0)) throw_range_error(env, "'eps' must be positive");
  return static_cast<float>(eps);
}

size_t matrix(Napi::Env env, size_t rows, size_t cols) { return checked_mul(env, rows, cols, "rows * cols"); }

// batchNormForwardTrain(rows, c, x, gamma|null, beta|null, eps, momentum,
//                       runningMean|null, runningVar|null, saveMean, saveInvstd, y)
Napi::Value BatchNormForwardTrain(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t rows = size_arg(info, 0, "rows"), c = size_arg(info, 1, "c");
  const float eps = eps_arg(env, info[5]);
  const double momentum = to_finite(env, info[6], "momentum");
  if (momentum < 0 || momentum > 1) throw_range_error(env, "'momentum' must be in [0, 1]");
  const size_t n = matrix(env, rows, c);
  F32Array x = f32_arg(info, 2, "x");
  F32Array gamma = optional_f32(env, info[3], "gamma"), beta = optional_f32(env, info[4], "beta");
  F32Array rm = optional_f32(env, info[7], "runningMean", true), rv = optional_f32(env, info[8], "runningVar", true);
  F32Array sm = f32_out_arg(info, 9, "saveMean"), si = f32_out_arg(info, 10, "saveInvstd"), y = f32_out_arg(info, 11, "y");
  require_lengths(env, {
      {&x, n}, {&gamma, c, kOptional}, {&beta, c, kOptional}, {&rm, c, kOptional}, {&rv, c, kOptional}, {&sm, c},
      {&si, c}, {&y, n}});
  require_disjoint(env, {&rm, &rv, &sm, &si, &y}, {&x, &gamma, &beta});
  batchnorm_forward_train(rows, c, x.data, gamma.data, beta.data, eps, static_cast<float>(momentum), rm.data, rv.data,
                          sm.data, si.data, y.data);
  return env.Undefined();
}

// batchNormForwardEval(rows, c, x, gamma|null, beta|null, runningMean, runningVar, eps, y)
Napi::Value BatchNormForwardEval(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t rows = size_arg(info, 0, "rows"), c = size_arg(info, 1, "c");
  const float eps = eps_arg(env, info[7]);
  const size_t n = matrix(env, rows, c);
  F32Array x = f32_arg(info, 2, "x");
  F32Array gamma = optional_f32(env, info[3], "gamma"), beta = optional_f32(env, info[4], "beta");
  F32Array rm = f32_arg(info, 5, "runningMean"), rv = f32_arg(info, 6, "runningVar");
  F32Array y = f32_out_arg(info, 8, "y");
  require_lengths(env, {{&x, n}, {&gamma, c, kOptional}, {&beta, c, kOptional}, {&rm, c}, {&rv, c}, {&y, n}});
  require_disjoint(env, {&y}, {&gamma, &beta, &rm, &rv});
  require_no_overlap(env, y, x, true);
  batchnorm_forward_eval(rows, c, x.data, gamma.data, beta.data, rm.data, rv.data, eps, y.data);
  return env.Undefined();
}

// batchNormBackward(rows, c, x, dy, gamma|null, saveMean, saveInvstd, dx|null,
//                   dgamma|null, dbeta|null, accumulate)
// layerNormBackward(rows, d, x, dy, gamma|null, saveMean, saveRstd, dx|null,
//                   dgamma|null, dbeta|null, accumulate)
// Same arguments; batch norm keeps per-channel statistics, layer norm per-row.
template <bool kBatch>
Napi::Value NormBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t rows = size_arg(info, 0, "rows"), c = size_arg(info, 1, kBatch ? "c" : "d");
  const bool accumulate = to_bool(env, info[10], "accumulate");
  const size_t n = matrix(env, rows, c), stats = kBatch ? c : rows;
  F32Array x = f32_arg(info, 2, "x"), dy = f32_arg(info, 3, "dy");
  F32Array gamma = optional_f32(env, info[4], "gamma");
  F32Array sm = f32_arg(info, 5, "saveMean"), ss = f32_arg(info, 6, kBatch ? "saveInvstd" : "saveRstd");
  F32Array dx = optional_f32(env, info[7], "dx", true), dg = optional_f32(env, info[8], "dgamma", true),
           db = optional_f32(env, info[9], "dbeta", true);
  require_lengths(env, {
      {&x, n}, {&dy, n}, {&gamma, c, kOptional}, {&sm, stats}, {&ss, stats}, {&dx, n, kOptional},
      {&dg, c, kOptional}, {&db, c, kOptional}});
  require_disjoint(env, {&dx, &dg, &db}, {&x, &dy, &gamma, &sm, &ss});
  if (kBatch) batchnorm_backward(rows, c, x.data, dy.data, gamma.data, sm.data, ss.data, dx.data, dg.data, db.data, accumulate);
  else layernorm_backward(rows, c, x.data, dy.data, gamma.data, sm.data, ss.data, dx.data, dg.data, db.data, accumulate);
  return env.Undefined();
}

// layerNormForward(rows, d, x, gamma|null, beta|null, eps, saveMean|null, saveRstd|null, y)
Napi::Value LayerNormForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t rows = size_arg(info, 0, "rows"), d = size_arg(info, 1, "d");
  const float eps = eps_arg(env, info[5]);
  const size_t n = matrix(env, rows, d);
  F32Array x = f32_arg(info, 2, "x");
  F32Array gamma = optional_f32(env, info[3], "gamma"), beta = optional_f32(env, info[4], "beta");
  F32Array sm = optional_f32(env, info[6], "saveMean", true), sr = optional_f32(env, info[7], "saveRstd", true);
  F32Array y = f32_out_arg(info, 8, "y");
  require_lengths(env, {
      {&x, n}, {&gamma, d, kOptional}, {&beta, d, kOptional}, {&sm, rows, kOptional}, {&sr, rows, kOptional},
      {&y, n}});
  require_disjoint(env, {&sm, &sr, &y}, {&x, &gamma, &beta});
  layernorm_forward(rows, d, x.data, gamma.data, beta.data, eps, sm.data, sr.data, y.data);
  return env.Undefined();
}

// dropoutForward(x, p, seed, offset, y) / dropoutBackward(dy, p, seed, offset, dx):
// seed and offset integers in [0, 2^53), offset + length <= 2^53; out may be in.
template <bool kForward>
Napi::Value Dropout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double p = to_finite(env, info[1], "p");
  if (!(p >= 0 && p < 1)) throw_range_error(env, "'p' must be in [0, 1)");
  const uint64_t seed = size_arg(info, 2, "seed");
  const size_t offset = size_arg(info, 3, "offset");
  F32Array in = f32_arg(info, 0, kForward ? "x" : "dy");
  F32Array out = f32_out_arg(info, 4, kForward ? "y" : "dx");
  require_len(env, out, in.length);
  if (static_cast<double>(offset) + static_cast<double>(in.length) > 9007199254740992.0)
    throw_range_error(env, "'offset' + length must be at most 2^53");
  require_no_overlap(env, out, in, true);
  if (kForward) dropout_forward(in.length, in.data, static_cast<float>(p), seed, offset, out.data);
  else dropout_backward(in.length, in.data, static_cast<float>(p), seed, offset, out.data);
  return env.Undefined();
}

// embeddingForward(indices, vocab, dim, table, out) /
// embeddingBackward(indices, vocab, dim, dy, dtable): dtable is added to.
template <bool kForward>
Napi::Value Embedding(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t vocab = size_arg(info, 1, "vocab"), dim = size_arg(info, 2, "dim");
  if (vocab > 0x7fffffff) throw_range_error(env, "'vocab' must be below 2^31");
  I32Array idx = to_i32(env, info[0], "indices");
  F32Array src = f32_arg(info, 3, kForward ? "table" : "dy");
  F32Array dst = f32_out_arg(info, 4, kForward ? "out" : "dtable");
  const size_t table_n = checked_mul(env, vocab, dim, "vocab * dim");
  const size_t rows_n = checked_mul(env, idx.length, dim, "indices.length * dim");
  require_len(env, src, kForward ? table_n : rows_n);
  require_len(env, dst, kForward ? rows_n : table_n);
  require_disjoint(env, {&dst}, {&src});
  require_labels(env, idx.data, idx.length, vocab, "indices");
  const int64_t bad = kForward ? embedding_forward(idx.length, idx.data, vocab, dim, src.data, dst.data)
                               : embedding_backward(idx.length, idx.data, vocab, dim, src.data, dst.data);
  if (bad != kEmbeddingOk) throw_range_error(env, "'indices' changed during the call (position " + std::to_string(bad) + ")");
  return env.Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  export_function<BatchNormForwardTrain>(env, exports, "batchNormForwardTrain");
  export_function<BatchNormForwardEval>(env, exports, "batchNormForwardEval");
  export_function<NormBackward<true>>(env, exports, "batchNormBackward");
  export_function<LayerNormForward>(env, exports, "layerNormForward");
  export_function<NormBackward<false>>(env, exports, "layerNormBackward");
  export_function<Dropout<true>>(env, exports, "dropoutForward");
  export_function<Dropout<false>>(env, exports, "dropoutBackward");
  export_function<Embedding<true>>(env, exports, "embeddingForward");
  export_function<Embedding<false>>(env, exports, "embeddingBackward");
}

BindingRegistrar registrar("layer", Init);

}  // namespace
}  // namespace addon
}  // namespace simdtrain

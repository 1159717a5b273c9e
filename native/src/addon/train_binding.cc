// The training plan (class NnPlan): a Sequential stack of Dense layers bound
// to the caller's parameter/gradient arenas. trainStep and evaluate run on
// libuv's thread pool (AsyncTask) so fit() never blocks the event loop;
// forward/backward/predict are synchronous for custom loops and small inputs.
#include <napi.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "../kernels/nn/mlp_plan.h"
#include "args.h"
#include "async_task.h"
#include "nn_args.h"
#include "registry.h"

namespace simdtrain {
namespace addon {
namespace {

class NnPlan : public Napi::ObjectWrap<NnPlan> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NnPlan",
                       {InstanceMethod("reserve", &NnPlan::Reserve), InstanceMethod("forward", &NnPlan::Forward),
                        InstanceMethod("backward", &NnPlan::Backward), InstanceMethod("trainStep", &NnPlan::TrainStep),
                        InstanceMethod("evaluate", &NnPlan::Evaluate)});
  }

  // new NnPlan(layers: {in,out,act,alpha,wOffset,bOffset,hasBias}[], params, grads, capacity)
  explicit NnPlan(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NnPlan>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsArray()) throw_type_error(env, "'layers' must be an Array (got " + describe(info[0]) + ")");
    Napi::Array list = info[0].As<Napi::Array>();
    F32Array params = f32_arg(info, 1, "params");
    F32Array grads = f32_arg(info, 2, "grads");
    const size_t capacity = size_arg(info, 3, "capacity");
    require_same_length(env, params, grads);
    require_no_overlap(env, grads, params, false);
    if (list.Length() == 0) throw_range_error(env, "'layers' must not be empty");
    std::vector<DenseSpec> specs;
    for (uint32_t i = 0; i < list.Length(); ++i) {
      if (!list.Get(i).IsObject()) throw_type_error(env, "'layers' entries must be objects");
      Napi::Object o = list.Get(i).As<Napi::Object>();
      DenseSpec s;
      s.in = to_size(env, required_field(env, o, "in", "layer"), "layer.in");
      s.out = to_size(env, required_field(env, o, "out", "layer"), "layer.out");
      s.act = code_arg(env, required_field(env, o, "act", "layer"), "layer.act", kActCount);
      s.alpha = static_cast<float>(to_finite(env, required_field(env, o, "alpha", "layer"), "layer.alpha"));
      s.w_offset = to_size(env, required_field(env, o, "wOffset", "layer"), "layer.wOffset");
      s.b_offset = to_size(env, required_field(env, o, "bOffset", "layer"), "layer.bOffset");
      s.has_bias = to_bool(env, required_field(env, o, "hasBias", "layer"), "layer.hasBias");
      if (s.in == 0 || s.out == 0) throw_range_error(env, "layer sizes must be >= 1");
      if (i > 0 && s.in != specs.back().out) throw_range_error(env, "layer " + std::to_string(i) + " input size does not match the previous output");
      const size_t w_end = s.w_offset + checked_mul(env, s.in, s.out, "layer weights");
      if (w_end > params.length || (s.has_bias && s.b_offset + s.out > params.length)) {
        throw_range_error(env, "layer " + std::to_string(i) + " parameters lie outside 'params'");
      }
      specs.push_back(s);
    }
    checked_mul(env, capacity, specs.front().in, "capacity * inFeatures");
    plan_ = std::make_unique<MlpPlan>(std::move(specs), capacity);
    plan_->bind(params.data, grads.data);
    params_ = params;
    grads_ = grads;
    params_ref_ = Napi::Persistent(info[1].As<Napi::Object>());
    grads_ref_ = Napi::Persistent(info[2].As<Napi::Object>());
  }

 private:
  // Refuses a call while this plan runs an async step, or while another
  // pending async operation writes the weights (or uses the gradients).
  void require_idle(Napi::Env env, bool writes_grads = false) {
    if (busy_.load()) throw Napi::Error::New(env, "simdtrain: the model is busy with an asynchronous step (await it first)");
    check_not_busy(env, params_, false);
    if (writes_grads) check_not_busy(env, grads_, true);
  }

  // A batch description, validated on the JS thread:
  // (x, index | null, start, rows, labels | null, targets | null) at `at`.
  BatchSource batch_args(const Napi::CallbackInfo& info, size_t at, size_t* total_rows, bool need_rows_fit) {
    Napi::Env env = info.Env();
    const size_t in = plan_->in_features(), out = plan_->out_features();
    F32Array x = f32_arg(info, at, "x");
    if (x.length % in) throw_range_error(env, "'x' length " + std::to_string(x.length) + " is not a multiple of inFeatures " + std::to_string(in));
    const size_t n = x.length / in;
    I32Array index = optional_i32(env, info[at + 1], "index");
    BatchSource src;
    src.x = x.data;
    src.index = index.data;
    src.start = to_size(env, info[at + 2], "start");
    src.rows = to_size(env, info[at + 3], "rows");
    const size_t limit = index.data ? index.length : n;
    if (src.start > limit || src.rows > limit - src.start) throw_range_error(env, "'start' + 'rows' exceeds the available rows");
    if (need_rows_fit && src.rows > plan_->capacity()) throw_range_error(env, "'rows' exceeds the plan capacity (call reserve)");
    for (size_t i = 0; index.data && i < src.rows; ++i) {
      const int32_t r = index.data[src.start + i];
      if (r < 0 || static_cast<size_t>(r) >= n) throw_range_error(env, "'index' has row " + std::to_string(r) + " outside [0, " + std::to_string(n) + ")");
    }
    I32Array labels = optional_i32(env, info[at + 4], "labels");
    F32Array targets = optional_f32(env, info[at + 5], "targets");
    if (labels.data) {
      require_length(env, labels.length, n, "labels");
      for (size_t i = 0; i < src.rows; ++i) {
        const size_t r = index.data ? static_cast<size_t>(index.data[src.start + i]) : src.start + i;
        if (labels.data[r] < 0 || static_cast<size_t>(labels.data[r]) >= out) {
          throw_range_error(env, "'labels' has label " + std::to_string(labels.data[r]) + " at row " + std::to_string(r) + ", outside [0, " + std::to_string(out) + ")");
        }
      }
    }
    if (targets.data) require_length(env, targets.length, checked_mul(env, n, out, "targets"), "targets");
    src.labels = labels.data;
    src.targets = targets.data;
    *total_rows = n;
    x_ = x;
    targets_ = targets;
    return src;
  }

  void Reserve(const Napi::CallbackInfo& info) {
    require_idle(info.Env());
    const size_t rows = size_arg(info, 0, "rows");
    checked_mul(info.Env(), rows, plan_->in_features(), "rows * inFeatures");
    plan_->reserve(rows);
  }

  // forward(x, rows, out): training-mode forward (activations kept for
  // backward); out [rows, outFeatures] receives the final outputs.
  void Forward(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    require_idle(env);
    F32Array x = f32_arg(info, 0, "x");
    const size_t rows = size_arg(info, 1, "rows");
    F32Array out = f32_out_arg(info, 2, "out");
    require_length(env, x.length, checked_mul(env, rows, plan_->in_features(), "rows * inFeatures"), "x");
    require_length(env, out.length, rows * plan_->out_features(), "out");
    if (rows > plan_->capacity()) throw_range_error(env, "'rows' exceeds the plan capacity (call reserve)");
    BatchSource src;
    src.x = x.data;
    src.rows = rows;
    plan_->load(src);
    const float* y = plan_->forward(rows, true);
    std::copy(y, y + rows * plan_->out_features(), out.data);
    forward_rows_ = rows;
  }

  // backward(dOut, rows, accumulate): dOut = dL/d(outputs of the last forward).
  void Backward(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    require_idle(env, /*writes_grads=*/true);
    F32Array d = f32_arg(info, 0, "dOutput");
    const size_t rows = size_arg(info, 1, "rows");
    const bool accumulate = to_bool(env, info[2], "accumulate");
    if (rows != forward_rows_ || rows == 0) throw_range_error(env, "backward needs a forward() of the same rows first");
    require_length(env, d.length, rows * plan_->out_features(), "dOutput");
    plan_->backward(rows, d.data, true, accumulate);
  }

  // trainStep(x, index, start, rows, labels, targets, loss, scale, accumulate)
  //   -> Promise<[lossSum, correct]>
  Napi::Value TrainStep(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    require_idle(env);
    size_t n = 0;
    BatchSource src = batch_args(info, 0, &n, true);
    const int loss = code_arg(env, info[6], "loss", kLossCount);
    const float scale = static_cast<float>(to_finite(env, info[7], "scale"));
    const bool accumulate = to_bool(env, info[8], "accumulate");
    check_loss_targets(env, loss, src);
    if (src.rows == 0) throw_range_error(env, "'rows' must be >= 1");
    auto result = std::make_shared<LossResult>();
    busy_.store(true);
    forward_rows_ = 0;
    MlpPlan* plan = plan_.get();
    std::atomic<bool>* busy = &busy_;
    return AsyncTask::Queue(
        env, "simdtrain.trainStep", {Value(), info[0], info[1], info[4], info[5]}, claims(nullptr, true),
        [=]() {
          *result = plan->train_step(src, loss, scale, accumulate);
          busy->store(false);
        },
        [result](Napi::Env e) { return pair(e, *result); });
  }

  // evaluate(x, index, start, rows, labels, targets, loss | -1, predictions | null, async)
  //   -> [lossSum, correct] or a Promise of it
  Napi::Value Evaluate(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    require_idle(env);
    size_t n = 0;
    BatchSource src = batch_args(info, 0, &n, false);
    const bool with_loss = !(info[6].IsNumber() && info[6].As<Napi::Number>().DoubleValue() == -1);
    const int loss = with_loss ? code_arg(env, info[6], "loss", kLossCount) : 0;
    if (with_loss) check_loss_targets(env, loss, src);
    F32Array pred = optional_f32(env, info[7], "predictions", /*write=*/true);
    if (pred.data) require_length(env, pred.length, checked_mul(env, src.rows, plan_->out_features(), "predictions"), "predictions");
    const bool async = to_bool(env, info[8], "async");
    const size_t total = src.rows;
    forward_rows_ = 0;
    if (!async) return pair(env, plan_->evaluate(src, total, loss, with_loss, pred.data));
    auto result = std::make_shared<LossResult>();
    busy_.store(true);
    MlpPlan* plan = plan_.get();
    std::atomic<bool>* busy = &busy_;
    float* pred_data = pred.data;
    return AsyncTask::Queue(
        env, "simdtrain.evaluate", {Value(), info[0], info[1], info[4], info[5], info[7]}, claims(&pred, false),
        [=]() {
          *result = plan->evaluate(src, total, loss, with_loss, pred_data);
          busy->store(false);
        },
        [result](Napi::Env e) { return pair(e, *result); });
  }

  // Buffers an async step reads (x, targets, params) and writes (grads or predictions).
  std::vector<BufferUse> claims(const F32Array* predictions, bool writes_grads) const {
    std::vector<BufferUse> uses = {{x_, false}, {params_, false}};
    if (targets_.data) uses.push_back({targets_, false});
    if (writes_grads) uses.push_back({grads_, true});
    if (predictions && predictions->data) uses.push_back({*predictions, true});
    return uses;
  }

  void check_loss_targets(Napi::Env env, int loss, const BatchSource& src) {
    if ((src.labels != nullptr) == (src.targets != nullptr)) throw_type_error(env, "give exactly one of 'labels' and 'targets'");
    if (src.labels && loss != kLossSoftmaxXent) throw_type_error(env, "class labels are only accepted by softmaxCrossEntropy");
  }

  static Napi::Value pair(Napi::Env env, const LossResult& r) {
    Napi::Array a = Napi::Array::New(env, 2);
    a.Set(0u, Napi::Number::New(env, r.sum));
    a.Set(1u, Napi::Number::New(env, static_cast<double>(r.correct)));
    return a;
  }

  std::unique_ptr<MlpPlan> plan_;
  F32Array params_, grads_;
  Napi::ObjectReference params_ref_, grads_ref_;
  std::atomic<bool> busy_{false};
  size_t forward_rows_ = 0;
  F32Array x_, targets_;  // the arrays of the last batch_args (for buffer claims)
};

void Init(Napi::Env env, Napi::Object exports) { exports.Set("NnPlan", NnPlan::Define(env)); }

BindingRegistrar registrar("train", Init);

}  // namespace
}  // namespace addon
}  // namespace simdtrain

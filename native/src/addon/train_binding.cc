// The training plan (class NnPlan): an op-list graph (kernels/graph) bound
// to the caller's parameter, gradient and buffer arenas. trainStep and
// evaluate run on libuv's thread pool (AsyncTask) so fit() never blocks the
// event loop; forward/backward and a sync evaluate serve custom loops and
// predict. Every JS value is read before a typed-array pointer is taken, and
// indices and labels are checked again by the plan where it copies them.
#include <napi.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../kernels/graph/graph_plan.h"
#include "args.h"
#include "async_buffers.h"
#include "async_task.h"
#include "grad_ready_hook.h"
#include "graph_desc.h"
#include "guard.h"
#include "nn_args.h"
#include "registry.h"

namespace simdtrain {
namespace addon {
namespace {

// SIMDTRAIN_GRAPH_FUSION=0 builds plans without the op fusions of
// kernels/graph/graph_fusion.h, the shared Add gradients and the in-place
// input-gradient fan-in (same results; for A/B timings), read per plan.
bool fusion_enabled() {
  const char* v = std::getenv("SIMDTRAIN_GRAPH_FUSION");
  return !(v && std::strcmp(v, "0") == 0);
}

using graph::BatchSource;
using graph::GraphPlan;
using graph::LossOptions;

class NnPlan : public Napi::ObjectWrap<NnPlan> {
 public:
  static Napi::Function Define(Napi::Env env) {
    // Every method runs through call_guarded (guard.h): a C++ exception
    // (std::bad_alloc reserving activations) becomes a JS error.
    return DefineClass(env, "NnPlan",
                       {InstanceMethod("reserve", &NnPlan::Guarded<&NnPlan::Reserve>),
                        InstanceMethod("forward", &NnPlan::Guarded<&NnPlan::Forward>),
                        InstanceMethod("backward", &NnPlan::Guarded<&NnPlan::Backward>),
                        InstanceMethod("trainStep", &NnPlan::Guarded<&NnPlan::TrainStep>),
                        InstanceMethod("evaluate", &NnPlan::Guarded<&NnPlan::Evaluate>),
                        InstanceMethod("memoryFloats", &NnPlan::Guarded<&NnPlan::MemoryFloats>)});
  }

  // new NnPlan(graph, params, grads, buffers, capacity)
  explicit NnPlan(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NnPlan>(info) {
    call_guarded(info.Env(), "NnPlan", [&] { Init(info); });
  }

 private:
  template <void (NnPlan::*M)(const Napi::CallbackInfo&)>
  void Guarded(const Napi::CallbackInfo& info) {
    call_guarded(info.Env(), "NnPlan", [&] { (this->*M)(info); });
  }
  template <Napi::Value (NnPlan::*M)(const Napi::CallbackInfo&)>
  Napi::Value Guarded(const Napi::CallbackInfo& info) {
    return call_guarded(info.Env(), "NnPlan", [&] { return (this->*M)(info); });
  }

  void Init(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    GraphDesc desc = read_graph(env, info[0]);
    const size_t capacity = size_arg(info, 4, "capacity");
    F32Array params = f32_arg(info, 1, "params");
    F32Array grads = f32_arg(info, 2, "grads");
    F32Array buffers = f32_arg(info, 3, "buffers");
    require_same_length(env, params, grads);
    require_no_overlap(env, grads, params, false);
    require_no_overlap(env, buffers, params, false);
    require_no_overlap(env, buffers, grads, false);
    graph::ArenaSizes sizes;
    sizes.params = params.length;
    sizes.buffers = buffers.length;
    try {
      plan_ = std::make_unique<GraphPlan>(std::move(desc.slots), desc.ops, sizes, desc.seed, desc.input_nchw, desc.output_nchw,
                                          fusion_enabled());
    } catch (const std::invalid_argument& e) {
      throw_range_error(env, e.what());
    }
    checked_mul(env, capacity, plan_->in_size(), "capacity * inputSize");
    plan_->reserve(capacity);
    plan_->bind(params.data, grads.data, buffers.data);
    params_ = params;
    grads_ = grads;
    buffers_ = buffers;
    params_ref_ = Napi::Persistent(info[1].As<Napi::Object>());
    grads_ref_ = Napi::Persistent(info[2].As<Napi::Object>());
    buffers_ref_ = Napi::Persistent(info[3].As<Napi::Object>());
  }

 private:
  // Refuses a call while this plan runs an async step, or while another
  // pending async operation writes the weights (or uses the gradients).
  void require_idle(Napi::Env env, bool writes_grads = false) {
    if (busy_.load()) throw Napi::Error::New(env, "simdtrain: the model is busy with an asynchronous step (await it first)");
    check_not_busy(env, params_, false);
    check_not_busy(env, buffers_, writes_grads);
    if (writes_grads) check_not_busy(env, grads_, true);
  }

  // A batch description, validated on the JS thread (the plan checks indices
  // and labels again where it copies them):
  // (x, index | null, start, rows, labels | null, targets | null) at `at`.
  BatchSource batch_args(const Napi::CallbackInfo& info, size_t at, bool need_rows_fit) {
    Napi::Env env = info.Env();
    const size_t in = plan_->in_size(), out = plan_->out_size();
    const size_t start = to_size(env, info[at + 2], "start");
    const size_t rows = to_size(env, info[at + 3], "rows");
    XArg x = x_arg(env, info[at]);
    I32Array index = optional_i32(env, info[at + 1], "index");
    I32Array labels = optional_i32(env, info[at + 4], "labels");
    F32Array targets = optional_f32(env, info[at + 5], "targets");
    if (x.length % in) throw_range_error(env, "'x' length " + std::to_string(x.length) + " is not a multiple of the input size " + std::to_string(in));
    BatchSource src;
    src.n = x.length / in;
    src.x = x.f.data;
    src.ids = x.ids.data;
    src.index = index.data;
    src.start = start;
    src.rows = rows;
    const size_t limit = index.data ? index.length : src.n;
    if (src.start > limit || src.rows > limit - src.start) throw_range_error(env, "'start' + 'rows' exceeds the available rows");
    if (need_rows_fit && src.rows > plan_->capacity()) throw_range_error(env, "'rows' exceeds the plan capacity (call reserve)");
    for (size_t i = 0; index.data && i < src.rows; ++i) {
      const int32_t r = index.data[src.start + i];
      if (r < 0 || static_cast<size_t>(r) >= src.n) throw_range_error(env, "'index' has row " + std::to_string(r) + " outside [0, " + std::to_string(src.n) + ")");
    }
    if (labels.data) {
      require_length(env, labels.length, src.n, "labels");
      for (size_t i = 0; i < src.rows; ++i) {
        const size_t r = index.data ? static_cast<size_t>(index.data[src.start + i]) : src.start + i;
        if (labels.data[r] < 0 || static_cast<size_t>(labels.data[r]) >= out) {
          throw_range_error(env, "'labels' has label " + std::to_string(labels.data[r]) + " at row " + std::to_string(r) + ", outside [0, " + std::to_string(out) + ")");
        }
      }
    }
    if (targets.data) require_length(env, targets.length, checked_mul(env, src.n, out, "targets"), "targets");
    src.labels = labels.data;
    src.targets = targets.data;
    x_ = x.claim;
    targets_ = targets;
    return src;
  }

  // The input rows: a Float32Array, or an Int32Array of ids when the model's
  // input feeds an Embedding (the plan checks every id on its own copy).
  struct XArg {
    F32Array f;
    I32Array ids;
    size_t length = 0;
    F32Array claim;  // the bytes, for busy-buffer claims
  };
  XArg x_arg(Napi::Env env, Napi::Value v) const {
    XArg a;
    if (plan_->id_input()) {
      a.ids = to_i32(env, v, "x");
      a.length = a.ids.length;
      a.claim.data = reinterpret_cast<float*>(a.ids.data);  // byte range only, never read as floats
      a.claim.length = a.ids.length;
      a.claim.name = "x";
      check_not_busy(env, a.claim, false);
    } else {
      a.f = to_f32(env, v, "x");
      a.length = a.f.length;
      a.claim = a.f;
    }
    return a;
  }

  // The batch an async step reads, gathered now on the JS thread into native
  // memory (docs/threads-and-memory.md): the pool thread never reads the
  // caller's x / labels / targets, which JS may transfer or shrink while the
  // step runs. Row indices are read once here and checked again (another
  // thread may rewrite a shared index array); the plan re-checks labels
  // where it copies them.
  struct OwnedBatch {
    FloatBuffer x, targets;
    std::vector<int32_t> labels;
    BatchSource src;
  };
  std::shared_ptr<OwnedBatch> own_batch(Napi::Env env, const BatchSource& s) const {
    const size_t in = plan_->in_size(), out = plan_->out_size();
    auto b = std::make_shared<OwnedBatch>();
    b->x = allocate_floats(checked_mul(env, s.rows, in, "rows * inputSize"));
    if (s.targets) b->targets = allocate_floats(checked_mul(env, s.rows, out, "rows * outputSize"));
    if (s.labels) b->labels.resize(s.rows);
    for (size_t i = 0; i < s.rows; ++i) {
      const int64_t r = s.index ? static_cast<int64_t>(s.index[s.start + i]) : static_cast<int64_t>(s.start + i);
      if (r < 0 || static_cast<size_t>(r) >= s.n) throw_range_error(env, "'index' changed during the call (row " + std::to_string(r) + ")");
      float* dst = b->x.get() + i * in;
      if (s.ids) {
        // Ids become exact floats (the plan refuses any that do not fit its range).
        for (size_t j = 0; j < in; ++j) dst[j] = static_cast<float>(s.ids[static_cast<size_t>(r) * in + j]);
      } else {
        std::memcpy(dst, s.x + static_cast<size_t>(r) * in, in * sizeof(float));
      }
      if (s.targets) std::memcpy(b->targets.get() + i * out, s.targets + static_cast<size_t>(r) * out, out * sizeof(float));
      if (s.labels) b->labels[i] = s.labels[r];
    }
    b->src.x = b->x.get();
    b->src.n = s.rows;
    b->src.rows = s.rows;
    b->src.labels = s.labels ? b->labels.data() : nullptr;
    b->src.targets = s.targets ? b->targets.get() : nullptr;
    return b;
  }

  void Reserve(const Napi::CallbackInfo& info) {
    require_idle(info.Env());
    const size_t rows = size_arg(info, 0, "rows");
    checked_mul(info.Env(), rows, plan_->in_size(), "rows * inputSize");
    plan_->reserve(rows);
  }

  Napi::Value MemoryFloats(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(plan_->memory_floats()));
  }

  // forward(x, rows, out): training-mode forward (activations kept for
  // backward); out [rows, outputSize] receives the final outputs.
  void Forward(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    require_idle(env);
    const size_t rows = size_arg(info, 1, "rows");
    XArg x = x_arg(env, info[0]);
    F32Array out = f32_out_arg(info, 2, "out");
    require_length(env, x.length, checked_mul(env, rows, plan_->in_size(), "rows * inputSize"), "x");
    require_length(env, out.length, rows * plan_->out_size(), "out");
    if (rows > plan_->capacity()) throw_range_error(env, "'rows' exceeds the plan capacity (call reserve)");
    if (rows == 0) throw_range_error(env, "'rows' must be >= 1");
    BatchSource src;
    src.x = x.f.data;
    src.ids = x.ids.data;
    src.n = rows;
    src.rows = rows;
    run_sync(env, [&] {
      plan_->load(src);
      plan_->copy_output(rows, plan_->forward(rows, true), out.data);
    });
    forward_rows_ = rows;
  }

  // backward(dOut, rows, accumulate): dOut = dL/d(outputs of the last forward).
  void Backward(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    require_idle(env, /*writes_grads=*/true);
    const size_t rows = size_arg(info, 1, "rows");
    const bool accumulate = to_bool(env, info[2], "accumulate");
    F32Array d = f32_arg(info, 0, "dOutput");
    if (rows != forward_rows_ || rows == 0) throw_range_error(env, "backward needs a forward() of the same rows first");
    require_length(env, d.length, rows * plan_->out_size(), "dOutput");
    std::vector<float> nhwc(d.length);
    run_sync(env, [&] {
      to_output_layout(rows, d.data, nhwc.data());
      plan_->backward(rows, nhwc.data(), plan_->op_count(), accumulate);
    });
  }

  // trainStep(x, index, start, rows, labels, targets, loss, scale, accumulate, labelSmoothing, gradHook?, precision?)
  //   -> Promise<[lossSum, correct]>
  // precision: 0 / undefined = each layer's own, 1 = bf16 GEMMs in every Dense/Conv2d.
  // gradHook: a hook object from simdtrain/distributed (grad_ready_hook.h),
  // told on the worker thread as the parameter gradients become final.
  Napi::Value TrainStep(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    require_idle(env, /*writes_grads=*/true);
    LossOptions opt = loss_args(info, 6);
    opt.scale = static_cast<float>(to_finite(env, info[7], "scale"));
    const bool accumulate = to_bool(env, info[8], "accumulate");
    BatchSource src = batch_args(info, 0, true);
    check_loss_targets(env, opt.loss, src);
    if (src.rows == 0) throw_range_error(env, "'rows' must be >= 1");
    const graph::GradReadyHook hook = grad_hook_arg(env, info[10]);
    const bool bf16 = !info[11].IsUndefined() && to_size(env, info[11], "precision") != 0;
    if (!info[11].IsUndefined() && to_size(env, info[11], "precision") > 1) throw_range_error(env, "'precision' must be 0 (fp32) or 1 (bf16)");
    auto result = std::make_shared<LossResult>();
    auto batch = own_batch(env, src);
    busy_.store(true);
    forward_rows_ = 0;
    GraphPlan* plan = plan_.get();
    std::atomic<bool>* busy = &busy_;
    return AsyncTask::Queue(
        env, "simdtrain.trainStep", {Value(), info[0], info[1], info[4], info[5], info[10]}, claims(nullptr, true),
        [=]() {
          struct Idle {  // also on an exception
            std::atomic<bool>* b;
            ~Idle() { b->store(false); }
          } idle{busy};
          *result = plan->train_step(batch->src, opt, accumulate, hook.ready ? &hook : nullptr, bf16);
        },
        [result](Napi::Env e) { return pair(e, *result); });
  }

  // evaluate(x, index, start, rows, labels, targets, loss | -1, predictions | null, async, labelSmoothing)
  //   -> [lossSum, correct] or a Promise of it
  Napi::Value Evaluate(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    require_idle(env);
    const bool with_loss = !(info[6].IsNumber() && info[6].As<Napi::Number>().DoubleValue() == -1);
    LossOptions opt = with_loss ? loss_args(info, 6) : LossOptions();
    const bool async = to_bool(env, info[8], "async");
    BatchSource src = batch_args(info, 0, false);
    if (with_loss) check_loss_targets(env, opt.loss, src);
    F32Array pred = optional_f32(env, info[7], "predictions", /*write=*/true);
    if (pred.data) require_length(env, pred.length, checked_mul(env, src.rows, plan_->out_size(), "predictions"), "predictions");
    const size_t total = src.rows;
    forward_rows_ = 0;
    if (!async) {
      LossResult r;
      run_sync(env, [&] { r = plan_->evaluate(src, total, opt, with_loss, pred.data); });
      return pair(env, r);
    }
    auto result = std::make_shared<LossResult>();
    auto batch = own_batch(env, src);
    // Predictions are written natively and copied out when the work is done.
    auto predictions = pred.data ? std::make_shared<AsyncOut>(env, info[7], pred, 1, pred.length, pred.length, false) : nullptr;
    busy_.store(true);
    GraphPlan* plan = plan_.get();
    std::atomic<bool>* busy = &busy_;
    return AsyncTask::Queue(
        env, "simdtrain.evaluate", {Value(), info[0], info[1], info[4], info[5], info[7]}, claims(&pred, false),
        [=]() {
          struct Idle {
            std::atomic<bool>* b;
            ~Idle() { b->store(false); }
          } idle{busy};
          *result = plan->evaluate(batch->src, total, opt, with_loss, predictions ? predictions->data() : nullptr);
        },
        [result, predictions](Napi::Env e) {
          if (predictions) predictions->commit(e);
          return pair(e, *result);
        });
  }

  // undefined / null: no hook; else the type-tagged hook object (kept alive
  // by the task, which lists it among the values it keeps).
  static graph::GradReadyHook grad_hook_arg(Napi::Env env, Napi::Value v) {
    graph::GradReadyHook hook;
    if (v.IsUndefined() || v.IsNull()) return hook;
    const char* bad = "'gradHook' must be a gradient hook made by simdtrain/distributed (or undefined)";
    if (!v.IsObject()) throw_type_error(env, bad);
    static const napi_type_tag tag = {abi::kGradHookTagLower, abi::kGradHookTagUpper};
    bool tagged = false;
    if (napi_check_object_type_tag(env, v, &tag, &tagged) != napi_ok || !tagged) throw_type_error(env, bad);
    // Frozen by its maker: reading `table` runs no user code.
    Napi::Value table = v.As<Napi::Object>().Get("table");
    if (table.Type() != napi_external) throw_type_error(env, bad);
    const auto* t = static_cast<const abi::GradHookTable*>(table.As<Napi::External<void>>().Data());
    if (!t || t->abi != abi::kGradHookAbi || t->size != sizeof(abi::GradHookTable) || !t->ready) {
      throw_type_error(env, "'gradHook' comes from an incompatible build of the MPI addon: rebuild it (npm run build:mpi)");
    }
    hook.ready = t->ready;
    hook.ctx = t->ctx;
    return hook;
  }

  // (loss at `at`, labelSmoothing at at + 3)
  LossOptions loss_args(const Napi::CallbackInfo& info, size_t at) {
    Napi::Env env = info.Env();
    LossOptions opt;
    opt.loss = code_arg(env, info[at], "loss", kLossCount);
    if (!is_absent(info[at + 3])) {
      const double eps = to_finite(env, info[at + 3], "labelSmoothing");
      if (eps < 0 || eps >= 1) throw_range_error(env, "'labelSmoothing' must be in [0, 1)");
      opt.label_smoothing = static_cast<float>(eps);
    }
    return opt;
  }

  // Runs plan code on the JS thread, turning its exceptions into JS errors.
  template <class Fn>
  static void run_sync(Napi::Env env, Fn&& fn) {
    try {
      fn();
    } catch (const std::out_of_range& e) {
      throw_range_error(env, e.what());
    } catch (const std::exception& e) {
      throw Napi::Error::New(env, e.what());
    }
  }

  // The API's NCHW output order -> the plan's NHWC (identity for vectors).
  void to_output_layout(size_t rows, const float* src, float* dst) const {
    plan_->output_from_nchw(rows, src, dst);
  }

  // Buffers an async step reads (x, targets, params) and writes (grads, buffers or predictions).
  std::vector<BufferUse> claims(const F32Array* predictions, bool training) const {
    std::vector<BufferUse> uses = {{x_, false}, {params_, false}, {buffers_, training}};
    if (targets_.data) uses.push_back({targets_, false});
    if (training) uses.push_back({grads_, true});
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

  std::unique_ptr<GraphPlan> plan_;
  F32Array params_, grads_, buffers_;
  Napi::ObjectReference params_ref_, grads_ref_, buffers_ref_;
  std::atomic<bool> busy_{false};
  size_t forward_rows_ = 0;
  F32Array x_, targets_;  // the arrays of the last batch_args (for buffer claims)
};

void Init(Napi::Env env, Napi::Object exports) { exports.Set("NnPlan", NnPlan::Define(env)); }

BindingRegistrar registrar("train", Init);

}  // namespace
}  // namespace addon
}  // namespace simdtrain

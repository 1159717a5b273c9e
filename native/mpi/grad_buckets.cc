#include "grad_buckets.h"

#include "../src/addon/grad_ready_hook.h"
#include "collective_args.h"
#include "job_queue.h"
#include "js_promises.h"

#include <algorithm>
#include <cmath>

namespace simdtrain_mpi {

namespace {

struct Bucket {
  int64_t offset, length;
  int64_t ready_at;  // launch once the backward pass finished op ready_at (ops_left <= ready_at)
};

// One model's bucket layout over its gradient arena. The table is what the
// main addon calls (ctx = this). `launched` and the queue order are guarded
// by mu: the backward thread (hook) and the JS thread (reduceBuckets) both
// launch buckets, in layout order.
struct BucketPlan {
  simdtrain::abi::GradHookTable table{};
  float* data = nullptr;
  std::vector<Bucket> buckets;
  int64_t timeout_ms = 0;
  std::mutex mu;
  size_t launched = 0;
  std::atomic<int64_t> pending{0};  // bucket jobs queued or running
  Napi::ObjectReference keep;       // the arena (JS thread only)
};

// Plans whose buckets never finished (a timeout): pinned for good.
std::vector<BucketPlan*>& abandoned_plans() {
  static auto* v = new std::vector<BucketPlan*>();
  return *v;
}

const napi_type_tag kHookTag = {simdtrain::abi::kGradHookTagLower, simdtrain::abi::kGradHookTagUpper};

// Caller holds plan->mu. Queues the buckets whose gradients are final.
void launch_ready(BucketPlan* p, int64_t ops_left) {
  std::vector<std::shared_ptr<Job>> jobs;
  size_t next = p->launched;
  while (next < p->buckets.size() && p->buckets[next].ready_at >= ops_left) {
    const Bucket& b = p->buckets[next++];
    auto job = std::make_shared<Job>();
    job->kind = Kind::bucket;
    job->pending = &p->pending;
    job->data = p->data + b.offset;
    job->length = b.length;
    job->dtype = kF32;
    job->arg = kSum;
    job->timeout_ms = p->timeout_ms;
    jobs.push_back(std::move(job));
  }
  if (jobs.empty()) return;
  // Nothing changes unless all of them are queued (an allocation may throw above).
  p->pending.fetch_add(static_cast<int64_t>(jobs.size()), std::memory_order_acq_rel);
  p->launched = next;
  enqueue(jobs);
}

// The hook the main addon calls on its backward thread. Never throws.
void on_grads_ready(void* ctx, size_t ops_left) {
  auto* p = static_cast<BucketPlan*>(ctx);
  try {
    std::lock_guard<std::mutex> lock(p->mu);
    const size_t before = p->launched;
    launch_ready(p, static_cast<int64_t>(ops_left));
    state().st_hook_buckets.fetch_add(p->launched - before, std::memory_order_relaxed);
  } catch (...) {
    // Out of memory queuing a bucket: reduceBuckets queues what is left.
  }
}

// Reads 'layout' into buckets: launched in layout order, so readyAt must not
// increase; ranges lie inside the arena of n floats, are non-empty, at most
// 2^30 floats and do not overlap.
std::vector<Bucket> read_layout(Napi::Env env, const Napi::Float64Array& layout, int64_t n) {
  if (layout.ElementLength() % 3 != 0) throw Napi::RangeError::New(env, "makeGradHook: 'layout' length must be a multiple of 3");
  std::vector<Bucket> buckets;
  const double* l = layout.Data();
  const size_t count = layout.ElementLength() / 3;
  for (size_t i = 0; i < count; i++) {
    const double off = l[3 * i], len = l[3 * i + 1], at = l[3 * i + 2];
    const bool ints = off == std::floor(off) && len == std::floor(len) && at == std::floor(at);
    if (!ints || !(off >= 0) || !(len >= 1) || !(len <= static_cast<double>(kChunk)) || !(off + len <= static_cast<double>(n)) || !(at >= 0 && at < 2147483648.0)) {
      throw Napi::RangeError::New(env, "makeGradHook: bucket " + std::to_string(i) + " of 'layout' is not integer offset >= 0, length in [1, 2^30] inside 'grads', readyAt in [0, 2^31)");
    }
    if (i > 0 && at > static_cast<double>(buckets.back().ready_at)) {
      throw Napi::RangeError::New(env, "makeGradHook: 'layout' readyAt must not increase from one bucket to the next (launch order)");
    }
    buckets.push_back({static_cast<int64_t>(off), static_cast<int64_t>(len), static_cast<int64_t>(at)});
  }
  std::vector<Bucket> sorted = buckets;
  std::sort(sorted.begin(), sorted.end(), [](const Bucket& a, const Bucket& b) { return a.offset < b.offset; });
  for (size_t i = 1; i < sorted.size(); i++) {
    if (sorted[i].offset < sorted[i - 1].offset + sorted[i - 1].length) throw Napi::RangeError::New(env, "makeGradHook: buckets of 'layout' overlap");
  }
  return buckets;
}

BucketPlan* hook_plan(Napi::Env env, const Napi::Value& v, const char* what) {
  bool tagged = false;
  if (!v.IsObject() || napi_check_object_type_tag(env, v, &kHookTag, &tagged) != napi_ok || !tagged) {
    throw Napi::TypeError::New(env, std::string(what) + ": 'hook' must come from makeGradHook");
  }
  Napi::Value table = v.As<Napi::Object>().Get("table");
  if (table.Type() != napi_external) throw Napi::TypeError::New(env, std::string(what) + ": 'hook' must come from makeGradHook");
  return static_cast<BucketPlan*>(table.As<Napi::External<simdtrain::abi::GradHookTable>>().Data()->ctx);
}

}  // namespace

Napi::Value MakeGradHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require_owner(env, "makeGradHook");
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(env, "makeGradHook: 'grads' must be a Float32Array");
  }
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, "makeGradHook: 'layout' must be a Float64Array of [offset, length, readyAt] triples");
  }
  const int64_t timeout = timeout_arg(info[2]);
  Napi::Float32Array grads = info[0].As<Napi::Float32Array>();
  const int64_t n = static_cast<int64_t>(grads.ElementLength());
  auto plan = std::make_unique<BucketPlan>();
  plan->buckets = read_layout(env, info[1].As<Napi::Float64Array>(), n);
  const size_t count = plan->buckets.size();
  plan->data = n ? grads.Data() : nullptr;
  plan->timeout_ms = timeout;
  plan->keep = Napi::Persistent(grads.As<Napi::Object>());
  plan->table.abi = simdtrain::abi::kGradHookAbi;
  plan->table.size = sizeof(simdtrain::abi::GradHookTable);
  plan->table.ready = on_grads_ready;
  plan->table.ctx = plan.get();
  BucketPlan* raw = plan.release();
  Napi::External<simdtrain::abi::GradHookTable> table = Napi::External<simdtrain::abi::GradHookTable>::New(
      env, &raw->table, [raw](Napi::Env, simdtrain::abi::GradHookTable*) {
        // Buckets still queued or running (a failed step, a timeout) may write
        // into the arena: keep everything pinned for good.
        if (raw->pending.load() != 0) {
          abandoned_plans().push_back(raw);
          return;
        }
        raw->keep.Reset();
        delete raw;
      });
  Napi::Object hook = Napi::Object::New(env);
  hook.Set("table", table);
  hook.Set("buckets", Napi::Number::New(env, static_cast<double>(count)));
  if (napi_type_tag_object(env, hook, &kHookTag) != napi_ok) throw Napi::Error::New(env, "makeGradHook: napi_type_tag_object failed");
  hook.Freeze();
  return hook;
}

// Queues the buckets the backward pass has not launched, then the fence.
// Await it before the next backward pass.
Napi::Value ReduceBuckets(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require_owner(env, "reduceBuckets");
  BucketPlan* p = hook_plan(env, info[0], "reduceBuckets");
  const int64_t timeout = timeout_arg(info[1]);
  if (!p->buckets.empty() && p->keep.Value().As<Napi::Float32Array>().Data() != p->data) {
    throw Napi::Error::New(env, "reduceBuckets: the gradient arena was detached or moved");
  }
  auto fence = std::make_shared<Job>();
  fence->kind = Kind::fence;
  fence->timeout_ms = timeout;
  fence->keep = Napi::Persistent(info[0].As<Napi::Object>());  // the plan lives until the fence settles
  std::lock_guard<std::mutex> lock(p->mu);
  if (!state().broken.load()) launch_ready(p, 0);
  p->launched = 0;  // the next step starts over
  return submit(env, fence);
}

}  // namespace simdtrain_mpi

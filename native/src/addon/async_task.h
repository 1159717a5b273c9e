// Runs native work on libuv's thread pool and settles a Promise.
//
// The task keeps a persistent reference to every JS object it was given (the
// typed arrays it reads and writes), so the garbage collector cannot free
// their memory while the work runs, even if JS drops every reference.
// Arguments must be validated on the JS thread *before* the task is queued.
// The Float32Arrays it reads and writes are listed as BufferUse so that
// conflicting calls are refused while it runs (busy_buffers.h).
#pragma once

#include <napi.h>

#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "busy_buffers.h"

namespace simdtrain {
namespace addon {

class AsyncTask : public Napi::AsyncWorker {
 public:
  // `work` runs off the event loop; it must not touch any napi_value.
  // `result` (optional) runs back on the JS thread to build the resolved value.
  static Napi::Promise Queue(Napi::Env env, const char* name, std::initializer_list<Napi::Value> keep_alive,
                             const std::vector<BufferUse>& buffers, std::function<void()> work,
                             std::function<Napi::Value(Napi::Env)> result = nullptr) {
    const uint64_t ticket = claim_buffers(env, buffers);  // throws (nothing queued) on a conflict
    auto* task = new AsyncTask(env, name, std::move(work), std::move(result));
    task->ticket_ = ticket;
    for (const Napi::Value& v : keep_alive) {
      if (v.IsObject()) task->kept_.push_back(Napi::Persistent(v.As<Napi::Object>()));
    }
    Napi::Promise promise = task->deferred_.Promise();
    task->Napi::AsyncWorker::Queue();  // the static Queue above hides the base one
    return promise;
  }

 private:
  AsyncTask(Napi::Env env, const char* name, std::function<void()> work, std::function<Napi::Value(Napi::Env)> result)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)), result_(std::move(result)) {}

  void Execute() override {
    try {
      work_();
    } catch (const std::out_of_range& e) {  // bad data met by the kernel: a RangeError
      range_error_ = true;
      SetError(e.what());
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    release_buffers(ticket_);
    Napi::Env env = Env();
    deferred_.Resolve(result_ ? result_(env) : env.Undefined());
  }
  void OnError(const Napi::Error& error) override {
    release_buffers(ticket_);
    if (range_error_) {
      deferred_.Reject(Napi::RangeError::New(Env(), error.Message()).Value());
      return;
    }
    deferred_.Reject(error.Value());
  }

  Napi::Promise::Deferred deferred_;
  std::function<void()> work_;
  std::function<Napi::Value(Napi::Env)> result_;
  std::vector<Napi::ObjectReference> kept_;
  uint64_t ticket_ = 0;
  bool range_error_ = false;
};

}  // namespace addon
}  // namespace simdtrain

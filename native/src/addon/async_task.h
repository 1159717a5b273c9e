// Runs native work on libuv's thread pool and settles a Promise.
//
// Memory: the work must not keep pointers into ordinary ArrayBuffers (see
// async_buffers.h for the rule and its helpers). The task still keeps a
// persistent reference to every JS object it was given, and lists the
// Float32Arrays it reads and writes as BufferUse so that conflicting addon
// calls are refused while it runs (busy_buffers.h).
// Arguments must be validated on the JS thread *before* the task is queued.
//
// Teardown: when a Worker is terminated or calls process.exit() while the
// task is pending, Node still completes it, but the environment can no
// longer run JavaScript. Completion then uses plain napi calls whose failure
// is ignored (nothing can be thrown into a dying environment), and the
// buffer claims are released by the destructor whatever happens.
#pragma once

#include <napi.h>

#include <functional>
#include <initializer_list>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "busy_buffers.h"

namespace simdtrain {
namespace addon {

class AsyncTask : public Napi::AsyncWorker {
 public:
  // `work` runs off the event loop; it must not touch any napi_value.
  // `result` (optional) runs back on the JS thread to build the resolved
  // value; a Napi::Error it throws rejects the Promise instead.
  static Napi::Promise Queue(Napi::Env env, const char* name, std::initializer_list<Napi::Value> keep_alive,
                             const std::vector<BufferUse>& buffers, std::function<void()> work,
                             std::function<Napi::Value(Napi::Env)> result = nullptr) {
    napi_deferred deferred = nullptr;
    napi_value promise = nullptr;
    NAPI_THROW_IF_FAILED(env, napi_create_promise(env, &deferred, &promise), Napi::Promise());
    auto* task = new AsyncTask(env, name, deferred, std::move(work), std::move(result));
    try {
      for (const Napi::Value& v : keep_alive) {
        if (v.IsObject()) task->kept_.push_back(Napi::Persistent(v.As<Napi::Object>()));
      }
      task->ticket_ = claim_buffers(env, buffers);  // throws (nothing queued) on a conflict
    } catch (...) {
      napi_resolve_deferred(env, deferred, env.Undefined());  // never returned: settle it quietly
      delete task;
      throw;
    }
    task->Napi::AsyncWorker::Queue();  // the static Queue above hides the base one
    return Napi::Promise(env, promise);
  }

  ~AsyncTask() override { release_buffers(ticket_); }

 private:
  AsyncTask(Napi::Env env, const char* name, napi_deferred deferred, std::function<void()> work,
            std::function<Napi::Value(Napi::Env)> result)
      : Napi::AsyncWorker(env, name), deferred_(deferred), work_(std::move(work)), result_(std::move(result)) {}

  void Execute() override {
    try {
      work_();
    } catch (const std::bad_alloc&) {
      range_error_ = true;
      SetError("simdtrain: out of memory");
    } catch (const std::out_of_range& e) {  // bad data met by the kernel: a RangeError
      range_error_ = true;
      SetError(e.what());
    } catch (const std::exception& e) {
      SetError(std::string("simdtrain: ") + e.what());
    } catch (...) {
      SetError("simdtrain: unknown native exception");
    }
  }

  // Both settle through settle(): the claims go first, so code that runs
  // when the Promise settles may use the buffers again.
  void OnOK() override {
    release_buffers(ticket_);
    Napi::Env env = Env();
    try {
      settle(true, result_ ? result_(env) : env.Undefined());
    } catch (const Napi::Error& e) {
      settle(false, e.Value());
    }
  }
  void OnError(const Napi::Error& error) override {
    release_buffers(ticket_);
    if (range_error_) {
      settle(false, Napi::RangeError::New(Env(), error.Message()).Value());
      return;
    }
    settle(false, error.Value());
  }

  // Ignores failures: they mean the environment is shutting down.
  void settle(bool ok, napi_value value) {
    if (!deferred_) return;
    napi_env env = Env();
    if (value == nullptr) napi_get_undefined(env, &value);
    if (ok) napi_resolve_deferred(env, deferred_, value);
    else napi_reject_deferred(env, deferred_, value);
    deferred_ = nullptr;
  }

  napi_deferred deferred_;
  std::function<void()> work_;
  std::function<Napi::Value(Napi::Env)> result_;
  std::vector<Napi::ObjectReference> kept_;
  uint64_t ticket_ = 0;
  bool range_error_ = false;
};

}  // namespace addon
}  // namespace simdtrain

// The one place where C++ exceptions become JS errors. Every exported
// function is registered through export_function, so std::bad_alloc (and
// any other C++ exception a kernel or container throws) reaches JavaScript
// as a RangeError / Error instead of std::terminate.
#pragma once

#include <napi.h>

#include <new>
#include <stdexcept>
#include <string>

namespace simdtrain {
namespace addon {

// Runs f(); a C++ exception that is not already a JS error is rethrown as one
// naming `what`. Napi::Error passes through unchanged.
template <typename F>
auto call_guarded(Napi::Env env, const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(env, std::string("simdtrain: ") + what + ": out of memory");
  } catch (const std::out_of_range& e) {  // bad data met by a kernel
    throw Napi::RangeError::New(env, std::string("simdtrain: ") + what + ": " + e.what());
  } catch (const std::length_error& e) {
    throw Napi::RangeError::New(env, std::string("simdtrain: ") + what + ": too large (" + e.what() + ")");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("simdtrain: ") + what + " failed: " + e.what());
  } catch (...) {
    throw Napi::Error::New(env, std::string("simdtrain: ") + what + " failed with an unknown native exception");
  }
}

using BindingFunction = Napi::Value (*)(const Napi::CallbackInfo&);

// The callback node sees for Fn: Fn through call_guarded, the export's name
// passed as the function's data (a template callback: no per-function
// allocation and no extra indirection per call).
template <BindingFunction Fn>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  return call_guarded(info.Env(), static_cast<const char*>(info.Data()), [&] { return Fn(info); });
}

// exports[name] = Fn, run through call_guarded. `name` must outlive the
// addon (a string literal).
template <BindingFunction Fn>
void export_function(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New<guarded<Fn>>(env, name, const_cast<char*>(name)));
}

}  // namespace addon
}  // namespace simdtrain

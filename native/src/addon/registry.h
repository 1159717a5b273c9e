// Each binding file registers its exports with a static BindingRegistrar, so
// adding a kernel family never edits a central list:
//
//   static void Init(Napi::Env env, Napi::Object exports) { ... }
//   static simdtrain::addon::BindingRegistrar registrar("vector", Init);
#pragma once

#include <napi.h>

namespace simdtrain {
namespace addon {

using BindingInit = void (*)(Napi::Env env, Napi::Object exports);

struct BindingRegistrar {
  BindingRegistrar(const char* name, BindingInit init);
};

// Calls every registered init function (in registration order).
void init_all_bindings(Napi::Env env, Napi::Object exports);

}  // namespace addon
}  // namespace simdtrain

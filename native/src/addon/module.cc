// Node-API entry point: loads every registered binding.
#include <napi.h>

#include <vector>

#include "../simd/dispatch.h"
#include "registry.h"

namespace simdtrain {
namespace addon {
namespace {

struct Registration {
  const char* name;
  BindingInit init;
};

std::vector<Registration>& registrations() {
  static std::vector<Registration> list;
  return list;
}

}  // namespace

BindingRegistrar::BindingRegistrar(const char* name, BindingInit init) {
  registrations().push_back({name, init});
}

void init_all_bindings(Napi::Env env, Napi::Object exports) {
  for (const auto& r : registrations()) r.init(env, exports);
}

}  // namespace addon
}  // namespace simdtrain

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  // A bad SIMDTRAIN_ISA must fail loudly: silently testing another ISA than
  // the one asked for would make a forced-ISA test run meaningless.
  const std::string& env_error = simdtrain::isa_env_error();
  if (!env_error.empty()) throw Napi::Error::New(env, "simdtrain: " + env_error);
  simdtrain::addon::init_all_bindings(env, exports);
  return exports;
}

NODE_API_MODULE(simdtrain, InitModule)

#include "busy_buffers.h"

#include <atomic>
#include <mutex>
#include <string>

namespace simdtrain {
namespace addon {
namespace {

struct Claim {
  uint64_t ticket;
  uintptr_t begin, end;
  bool write;
};

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::vector<Claim>& registry() {
  static std::vector<Claim> claims;
  return claims;
}
uint64_t next_ticket = 1;  // guarded by registry_mutex()
// Number of claims, readable without the lock: most calls happen while no
// async operation is pending and then skip the lock entirely.
std::atomic<size_t> claim_count{0};

// Caller holds the lock.
const Claim* find_conflict(uintptr_t begin, uintptr_t end, bool write) {
  if (begin == end) return nullptr;
  for (const Claim& c : registry()) {
    if ((write || c.write) && begin < c.end && c.begin < end) return &c;
  }
  return nullptr;
}

[[noreturn]] void throw_busy(Napi::Env env, const F32Array& array, const Claim& claim) {
  throw_range_error(env, std::string("'") + array.name + "' is in use by a pending async operation that " +
                             (claim.write ? "writes" : "reads") + " it; await that operation first");
}

}  // namespace

void check_not_busy(Napi::Env env, const F32Array& array, bool write) {
  if (claim_count.load(std::memory_order_acquire) == 0) return;
  std::lock_guard<std::mutex> lock(registry_mutex());
  if (const Claim* c = find_conflict(array.byte_begin(), array.byte_end(), write)) throw_busy(env, array, *c);
}

uint64_t claim_buffers(Napi::Env env, const std::vector<BufferUse>& uses) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  for (const BufferUse& u : uses) {
    if (const Claim* c = find_conflict(u.array.byte_begin(), u.array.byte_end(), u.write)) throw_busy(env, u.array, *c);
  }
  const uint64_t ticket = next_ticket++;
  for (const BufferUse& u : uses) {
    if (u.array.length) registry().push_back({ticket, u.array.byte_begin(), u.array.byte_end(), u.write});
  }
  claim_count.store(registry().size(), std::memory_order_release);
  return ticket;
}

void release_buffers(uint64_t ticket) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  auto& claims = registry();
  for (size_t i = claims.size(); i-- > 0;) {
    if (claims[i].ticket == ticket) claims.erase(claims.begin() + static_cast<std::ptrdiff_t>(i));
  }
  claim_count.store(claims.size(), std::memory_order_release);
}

}  // namespace addon
}  // namespace simdtrain

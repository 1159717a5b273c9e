#include "busy_buffers.h"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace simdtrain {
namespace addon {
namespace {

// The registry, O(log n) per range for n pending claims:
//  - writes: claimed write ranges by begin. They never overlap any other
//    claim (a conflicting claim is refused), so they are disjoint.
//  - reads: the union of claimed read ranges, split into disjoint pieces,
//    each with the number of claims covering it. Pieces with no claim are
//    erased, so "does [b, e) overlap a read claim" is "does it overlap a piece".
// Many pending calls that read the same array (the common case) share one piece.
struct Piece {
  uintptr_t end;
  size_t count;
};
struct Registry {
  std::mutex mutex;
  std::map<uintptr_t, uintptr_t> writes;  // begin -> end
  std::map<uintptr_t, Piece> reads;       // begin -> piece
  std::unordered_map<uint64_t, std::vector<BufferUse>> by_ticket;
  uint64_t next_ticket = 1;
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: Workers may outlive static destruction
  return *r;
}
// Number of pending claims, readable without the lock: most calls happen
// while no async operation is pending and then skip the lock entirely.
std::atomic<size_t> claim_count{0};

// The entry of `m` whose range overlaps [begin, end), if any (ranges in `m`
// are disjoint, so only the last one starting before `end` can).
template <typename Map, typename EndOf>
bool overlaps(const Map& m, uintptr_t begin, uintptr_t end, EndOf end_of) {
  auto it = m.lower_bound(end);
  if (it == m.begin()) return false;
  --it;
  return end_of(it->second) > begin;
}

bool overlaps_write(const Registry& r, uintptr_t b, uintptr_t e) {
  return overlaps(r.writes, b, e, [](uintptr_t end) { return end; });
}
bool overlaps_read(const Registry& r, uintptr_t b, uintptr_t e) {
  return overlaps(r.reads, b, e, [](const Piece& p) { return p.end; });
}

// Makes `at` a piece boundary (splitting the piece that contains it).
void split_at(std::map<uintptr_t, Piece>& reads, uintptr_t at) {
  auto it = reads.upper_bound(at);
  if (it == reads.begin()) return;
  --it;
  if (it->first < at && at < it->second.end) {
    reads.emplace(at, Piece{it->second.end, it->second.count});
    it->second.end = at;
  }
}

// Adds `delta` (+1 or -1) claims over [b, e), creating and erasing pieces.
void add_read(std::map<uintptr_t, Piece>& reads, uintptr_t b, uintptr_t e, int delta) {
  split_at(reads, b);
  split_at(reads, e);
  uintptr_t pos = b;
  auto it = reads.lower_bound(b);
  while (pos < e) {
    if (it == reads.end() || it->first > pos) {
      // A gap (only when adding: removed ranges are fully covered).
      const uintptr_t gap_end = it == reads.end() ? e : std::min(e, it->first);
      if (delta > 0) reads.emplace_hint(it, pos, Piece{gap_end, 1});
      pos = gap_end;
      continue;
    }
    pos = it->second.end;
    if (delta > 0) {
      ++it->second.count;
      ++it;
    } else if (--it->second.count == 0) {
      it = reads.erase(it);
    } else {
      ++it;
    }
  }
}

bool conflicts(const Registry& r, uintptr_t b, uintptr_t e, bool write) {
  if (b == e) return false;
  return overlaps_write(r, b, e) || (write && overlaps_read(r, b, e));
}

[[noreturn]] void throw_busy(Napi::Env env, const Registry& r, const F32Array& array) {
  const bool by_writer = overlaps_write(r, array.byte_begin(), array.byte_end());
  throw_range_error(env, std::string("'") + array.name + "' is in use by a pending async operation that " +
                             (by_writer ? "writes" : "reads") + " it; await that operation first");
}

}  // namespace

void check_not_busy(Napi::Env env, const F32Array& array, bool write) {
  if (claim_count.load(std::memory_order_acquire) == 0) return;
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (conflicts(r, array.byte_begin(), array.byte_end(), write)) throw_busy(env, r, array);
}

uint64_t claim_buffers(Napi::Env env, const std::vector<BufferUse>& uses) {
  Registry& r = registry();
  std::vector<BufferUse> kept;
  kept.reserve(uses.size());
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const BufferUse& u : uses) {
    if (conflicts(r, u.array.byte_begin(), u.array.byte_end(), u.write)) throw_busy(env, r, u.array);
  }
  const uint64_t ticket = r.next_ticket++;
  for (const BufferUse& u : uses) {
    if (u.array.length == 0) continue;
    if (u.write) {
      // Writes of one call overlapping each other (the bindings refuse most
      // such calls) keep the first, so the write map stays disjoint.
      if (overlaps_write(r, u.array.byte_begin(), u.array.byte_end())) continue;
      r.writes.emplace(u.array.byte_begin(), u.array.byte_end());
    } else {
      add_read(r.reads, u.array.byte_begin(), u.array.byte_end(), +1);
    }
    kept.push_back(u);
  }
  claim_count.fetch_add(kept.size(), std::memory_order_release);
  r.by_ticket.emplace(ticket, std::move(kept));
  return ticket;
}

void release_buffers(uint64_t ticket) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto found = r.by_ticket.find(ticket);
  if (found == r.by_ticket.end()) return;
  for (const BufferUse& u : found->second) {
    if (u.write) {
      r.writes.erase(u.array.byte_begin());
    } else {
      add_read(r.reads, u.array.byte_begin(), u.array.byte_end(), -1);
    }
  }
  claim_count.fetch_sub(found->second.size(), std::memory_order_release);
  r.by_ticket.erase(found);
}

}  // namespace addon
}  // namespace simdtrain

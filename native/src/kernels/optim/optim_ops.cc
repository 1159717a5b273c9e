#include "optim_ops.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "../../core/thread_pool.h"
#include "optim_table.h"

namespace simdtrain {
namespace {

// A thread hand-off costs a few microseconds; an Adam step costs ~0.5-3 ns
// per element. bench/optim.bench.js (1 vs 2 threads) shows 2 threads win
// from about 64 Ki elements in total, so each thread gets at least that.
constexpr size_t kMinElementsPerThread = 1 << 16;
// Reductions (LAMB norms, gradient norms) work in fixed blocks and add the
// block results in order: identical results for any thread count.
constexpr size_t kBlock = 1 << 16;

// A piece of one tensor: elements [offset, offset + length) of tensor `index`.
struct Piece {
  size_t index, offset, length;
};

// Calls fn(piece) for every piece of [begin, end) of the concatenation of
// arrays whose lengths are given by len(i), i < count.
template <class Len, class Fn>
void for_each_piece(size_t count, Len&& len, size_t begin, size_t end, Fn&& fn) {
  size_t start = 0;
  for (size_t i = 0; i < count && start < end; ++i) {
    const size_t n = len(i);
    const size_t lo = std::max(begin, start), hi = std::min(end, start + n);
    if (lo < hi) fn(Piece{i, lo - start, hi - lo});
    start += n;
  }
}

// Runs fn(piece) over all elements of all arrays, split over the pool.
template <class Len, class Fn>
void parallel_pieces(size_t count, Len&& len, Fn&& fn) {
  size_t total = 0;
  for (size_t i = 0; i < count; ++i) total += len(i);
  parallel_for(total, kMinElementsPerThread, [&](size_t b, size_t e) { for_each_piece(count, len, b, e, fn); });
}

// Splits every array into kBlock pieces (in order) for deterministic reductions.
template <class Len>
std::vector<Piece> blocks_of(size_t count, Len&& len) {
  std::vector<Piece> blocks;
  for (size_t i = 0; i < count; ++i) {
    const size_t n = len(i);
    for (size_t off = 0; off < n; off += kBlock) blocks.push_back({i, off, std::min(kBlock, n - off)});
  }
  return blocks;
}

OptimSpan offset_span(const OptimSpan& s, size_t off) {
  auto at = [off](float* p) { return p ? p + off : nullptr; };
  auto at16 = [off](uint16_t* p) { return p ? p + off : nullptr; };
  return {s.p + off, s.g + off, at(s.s0), at(s.s1), at(s.s2), at16(s.h0), at16(s.h1), at16(s.h2), s.first + off};
}

OptimStepFn step_fn(OptimKind kind) {
  const auto& a = SIMDTRAIN_PICK(kAdamFamilyKernels);
  const auto& b = SIMDTRAIN_PICK(kBasicOptimKernels);
  switch (kind) {
    case OptimKind::sgd: return b.sgd;
    case OptimKind::adam: return a.adam;
    case OptimKind::adamax: return a.adamax;
    case OptimKind::nadam: return a.nadam;
    case OptimKind::radam: return a.radam;
    case OptimKind::adagrad: return b.adagrad;
    case OptimKind::rmsprop: return b.rmsprop;
    case OptimKind::adadelta: return b.adadelta;
    case OptimKind::lion: return b.lion;
    case OptimKind::lamb: return a.lamb_apply;
  }
  return nullptr;
}

// TensorFlow.js's formulas (kFlagTfjs); null for kinds tfjs does not have.
OptimStepFn tfjs_step_fn(OptimKind kind) {
  const auto& k = SIMDTRAIN_PICK(kTfjsOptimKernels);
  switch (kind) {
    case OptimKind::sgd: return k.sgd;
    case OptimKind::adam: return k.adam;
    case OptimKind::adamax: return k.adamax;
    case OptimKind::rmsprop: return k.rmsprop;
    case OptimKind::adagrad: return k.adagrad;
    case OptimKind::adadelta: return k.adadelta;
    default: return nullptr;
  }
}

// LAMB: pass 1 updates the moments and sums ||p||^2, ||u||^2 per block;
// the trust ratio ||p|| / ||u|| (1 when either is 0) then scales pass 2.
void lamb_step(OptimTensorArgs* t, size_t count) {
  const auto& k = SIMDTRAIN_PICK(kAdamFamilyKernels);
  auto len = [t](size_t i) { return t[i].n; };
  const std::vector<Piece> blocks = blocks_of(count, len);
  std::vector<double> sums(2 * blocks.size(), 0.0);
  parallel_for(blocks.size(), kMinElementsPerThread / kBlock, [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) {
      const Piece& pc = blocks[b];
      k.lamb_moments(t[pc.index].scalars, offset_span(t[pc.index].span, pc.offset), pc.length, &sums[2 * b]);
    }
  });
  std::vector<double> norm_p(count, 0.0), norm_u(count, 0.0);
  for (size_t b = 0; b < blocks.size(); ++b) {
    norm_p[blocks[b].index] += sums[2 * b];
    norm_u[blocks[b].index] += sums[2 * b + 1];
  }
  for (size_t i = 0; i < count; ++i) {
    const double pn = std::sqrt(norm_p[i]), un = std::sqrt(norm_u[i]);
    const double trust = (pn > 0 && un > 0) ? pn / un : 1.0;
    t[i].scalars.c[5] = static_cast<float>(t[i].lr * trust);
  }
  parallel_pieces(count, len, [&](const Piece& pc) {
    k.lamb_apply(t[pc.index].scalars, offset_span(t[pc.index].span, pc.offset), pc.length);
  });
}

}  // namespace

size_t optim_parallel_threshold() { return 2 * kMinElementsPerThread; }

void optim_step(OptimKind kind, OptimTensorArgs* tensors, size_t count) {
  if (kind == OptimKind::lamb) {
    lamb_step(tensors, count);
    return;
  }
  const OptimStepFn fn = step_fn(kind), tfjs_fn = tfjs_step_fn(kind);
  parallel_pieces(count, [tensors](size_t i) { return tensors[i].n; }, [&](const Piece& pc) {
    const OptimTensorArgs& t = tensors[pc.index];
    ((t.scalars.flags & kFlagTfjs) ? tfjs_fn : fn)(t.scalars, offset_span(t.span, pc.offset), pc.length);
  });
}

bool arrays_any_nonfinite(const float* const* xs, const size_t* ns, size_t count) {
  const auto& k = SIMDTRAIN_PICK(kGradKernels);
  const std::vector<Piece> blocks = blocks_of(count, [ns](size_t i) { return ns[i]; });
  std::vector<char> bad(blocks.size(), 0);
  parallel_for(blocks.size(), kMinElementsPerThread / kBlock, [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) bad[b] = k.any_nonfinite(blocks[b].length, xs[blocks[b].index] + blocks[b].offset);
  });
  return std::find(bad.begin(), bad.end(), 1) != bad.end();
}

double arrays_norm(const float* const* xs, const size_t* ns, size_t count, int norm_type) {
  const auto& k = SIMDTRAIN_PICK(kGradKernels);
  const std::vector<Piece> blocks = blocks_of(count, [ns](size_t i) { return ns[i]; });
  std::vector<double> part(blocks.size(), 0.0);
  parallel_for(blocks.size(), kMinElementsPerThread / kBlock, [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) {
      const float* x = xs[blocks[b].index] + blocks[b].offset;
      const size_t n = blocks[b].length;
      part[b] = norm_type == 2 ? k.sum_sq(n, x) : norm_type == 1 ? k.sum_abs(n, x) : k.max_abs(n, x);
    }
  });
  double total = 0.0;
  for (double p : part) {
    if (norm_type == 0) {
      total = (std::isnan(p) || std::isnan(total)) ? p + total : std::max(total, p);
    } else {
      total += p;
    }
  }
  return norm_type == 2 ? std::sqrt(total) : total;
}

void arrays_clamp(float* const* xs, const size_t* ns, size_t count, float lo, float hi) {
  const auto& k = SIMDTRAIN_PICK(kGradKernels);
  parallel_pieces(count, [ns](size_t i) { return ns[i]; },
                  [&](const Piece& pc) { k.clamp(xs[pc.index] + pc.offset, pc.length, lo, hi); });
}

}  // namespace simdtrain

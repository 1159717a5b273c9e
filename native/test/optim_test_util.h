// Set-up shared by the optimizer kernel tests (optim_kernels_test.cc,
// optim_bf16_test.cc): the kernel of a kind from one ISA's tables, a case
// (kind, flags, weight decay) and its scalars, bitwise comparison.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "../src/kernels/optim/optim_table.h"
#include "../src/simd/dispatch.h"

namespace testing {

struct OptimCase {
  simdtrain::OptimKind kind;
  uint32_t flags;
  float wd;
};

// The element-wise kernel of `kind` (nullptr for LAMB) in `isa`'s tables.
inline simdtrain::OptimStepFn optim_kernel(simdtrain::Isa isa, simdtrain::OptimKind kind) {
  using simdtrain::OptimKind;
  const auto* a = SIMDTRAIN_TABLE_FOR(isa, kAdamFamilyKernels);
  const auto* b = SIMDTRAIN_TABLE_FOR(isa, kBasicOptimKernels);
  switch (kind) {
    case OptimKind::sgd: return b->sgd;
    case OptimKind::adagrad: return b->adagrad;
    case OptimKind::rmsprop: return b->rmsprop;
    case OptimKind::adadelta: return b->adadelta;
    case OptimKind::lion: return b->lion;
    case OptimKind::adam: return a->adam;
    case OptimKind::adamax: return a->adamax;
    case OptimKind::nadam: return a->nadam;
    case OptimKind::radam: return a->radam;
    default: return nullptr;
  }
}

// Scalars of a test step: lr 0.01, betas 0.9 / 0.999, eps 1e-6, c[] spread.
inline simdtrain::OptimScalars optim_scalars(const OptimCase& k) {
  simdtrain::OptimScalars s;
  s.flags = k.flags;
  s.lr = 0.01f;
  s.wd = k.wd;
  s.b1 = 0.9f;
  s.b2 = 0.999f;
  s.eps = 1e-6f;
  for (int i = 0; i < 8; ++i) s.c[i] = 0.25f + 0.1f * static_cast<float>(i);
  s.c[0] = 1.0f - s.lr * s.wd;
  s.c[1] = 0.1f;
  s.c[2] = 0.001f;
  return s;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

}  // namespace testing

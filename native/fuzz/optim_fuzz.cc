// Optimizer kernels: every ISA must give the scalar table's exact bits (no
// kernel fuses a multiply-add) on fuzzer-chosen sizes, flags, scalars and values.
#include <cmath>
#include <cstring>
#include <vector>

#include "../src/kernels/optim/optim_table.h"
#include "../src/simd/cpu_features.h"
#include "fuzz_input.h"

namespace {

using namespace simdtrain;

OptimStepFn pick(const AdamFamilyKernels& a, const BasicOptimKernels& b, int which) {
  const OptimStepFn fns[] = {b.sgd, b.adagrad, b.rmsprop, b.adadelta, b.lion, a.adam, a.adamax, a.nadam, a.radam};
  return fns[which];
}

void fuzz_optim(fuzz::Input& in) {
  const int which = in.byte() % 9;
  const size_t n = in.size(2000);
  OptimScalars s;
  s.flags = in.byte() & kOptimFlagMask;
  s.lr = std::fabs(in.value(0.1f));
  s.wd = (in.byte() & 1) ? std::fabs(in.value(0.1f)) : 0.0f;
  s.b1 = 0.5f + 0.499f * std::fabs(in.value(1.0f));
  s.b2 = 0.9f + 0.0999f * std::fabs(in.value(1.0f));
  s.eps = 1e-8f + std::fabs(in.value(1e-3f));
  for (float& c : s.c) c = in.value(2.0f);
  const std::vector<float> p0 = in.floats(n, 5.0f), g = in.floats(n, 5.0f), a0 = in.floats(n, 1.0f);
  std::vector<float> b0 = in.floats(n, 1.0f), c0 = in.floats(n, 1.0f);
  for (auto& x : b0) x = x * x;  // second moments are >= 0
  for (auto& x : c0) x = x * x;

  auto run = [&](const AdamFamilyKernels& a, const BasicOptimKernels& b, std::vector<float>* out) {
    std::vector<float> p = p0, s0 = a0, s1 = b0, s2 = c0;
    pick(a, b, which)(s, OptimSpan{p.data(), g.data(), s0.data(), s1.data(), s2.data()}, n);
    out->clear();
    for (const auto* v : {&p, &s0, &s1, &s2}) out->insert(out->end(), v->begin(), v->end());
  };
  std::vector<float> ref, got;
  run(scalar::kAdamFamilyKernels, scalar::kBasicOptimKernels, &ref);
  for (int i = 1; i < kIsaCount; ++i) {
    const Isa isa = static_cast<Isa>(i);
    const auto* a = SIMDTRAIN_TABLE_FOR(isa, kAdamFamilyKernels);
    const auto* b = SIMDTRAIN_TABLE_FOR(isa, kBasicOptimKernels);
    if (!a || !b || !cpu_supports(isa)) continue;
    run(*a, *b, &got);
    for (size_t k = 0; k < ref.size(); ++k) {
      // Same bits, or both NaN (the payload of a NaN may differ).
      if (std::memcmp(&got[k], &ref[k], sizeof(float)) != 0 && !(std::isnan(got[k]) && std::isnan(ref[k]))) {
        fuzz::mismatch("optimizer kernel", isa_name(isa), n * 100 + which, got[k], ref[k]);
      }
    }
  }
}

fuzz::TargetRegistrar registrar("optim", fuzz_optim);

}  // namespace

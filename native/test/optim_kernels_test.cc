// Every ISA's optimizer kernels against the plain scalar reference
// (optim_reference.h), bit for bit: the kernels never fuse a multiply-add, so
// each ISA must give exactly the reference's floats. Sizes hit every tail and
// the arrays start at an odd (unaligned) offset; guard elements must survive.
#include <cstring>
#include <vector>

#include "../src/kernels/optim/optim_table.h"
#include "../src/simd/dispatch.h"
#include "optim_reference.h"
#include "optim_test_util.h"
#include "test_framework.h"
#include "test_util.h"

using simdtrain::OptimKind;
using simdtrain::OptimScalars;
using simdtrain::OptimSpan;

TEST(optim_elementwise_kernels_match_reference_bitwise_on_every_isa) {
  using namespace simdtrain;
  const std::vector<testing::OptimCase> cases = {
      {OptimKind::sgd, 0, 0},
      {OptimKind::sgd, kFlagMomentum | kFlagFirstStep, 0.01f},
      {OptimKind::sgd, kFlagMomentum | kFlagNesterov | kFlagMaximize, 0},
      {OptimKind::adam, 0, 0},
      {OptimKind::adam, kFlagAmsgrad, 0.01f},
      {OptimKind::adam, kFlagDecoupled | kFlagMaximize, 0.1f},
      {OptimKind::adamax, 0, 0.01f},
      {OptimKind::nadam, 0, 0},
      {OptimKind::radam, kFlagRectify, 0.01f},
      {OptimKind::radam, 0, 0},
      {OptimKind::adagrad, 0, 0.1f},
      {OptimKind::rmsprop, kFlagCentered | kFlagMomentum, 0.01f},
      {OptimKind::rmsprop, 0, 0},
      {OptimKind::adadelta, 0, 0.01f},
      {OptimKind::lion, 0, 0.1f},
  };
  for (auto isa : testing::runnable_isas()) {
    for (const auto& k : cases) {
      const OptimScalars s = testing::optim_scalars(k);
      for (size_t n : testing::tail_sizes()) {
        if (n > 100000) continue;  // the reference is slow enough already
        const size_t off = 1, guard = 9, total = off + n + guard;
        std::vector<float> p = testing::random_floats(total, 1), g = testing::random_floats(total, 2);
        std::vector<float> s0 = testing::random_floats(total, 3), s1 = testing::random_floats(total, 4), s2 = testing::random_floats(total, 5);
        for (auto& x : s1) x = x * x + 0.01f;  // second moments are positive
        for (auto& x : s2) x = x * x + 0.02f;
        std::vector<float> rp = p, rs0 = s0, rs1 = s1, rs2 = s2;
        for (size_t i = off; i < off + n; ++i) testing::ref_element(k.kind, s, rp[i], g[i], rs0[i], rs1[i], rs2[i]);
        const OptimSpan span{p.data() + off, g.data() + off, s0.data() + off, s1.data() + off, s2.data() + off};
        testing::optim_kernel(isa, k.kind)(s, span, n);
        const bool ok = testing::same_bits(p, rp) && testing::same_bits(s0, rs0) && testing::same_bits(s1, rs1) && testing::same_bits(s2, rs2);
        if (!ok) std::fprintf(stderr, "    isa %s kind %d flags %u n %zu\n", simdtrain::isa_name(isa), static_cast<int>(k.kind), k.flags, n);
        CHECK(ok);
      }
    }
  }
}

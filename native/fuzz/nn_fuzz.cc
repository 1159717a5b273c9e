// nn kernels: activations (forward/backward), column sums and the fused
// losses under every ISA against the scalar table. The exp/tanh/erf
// approximations are written once but FMA-contracted per ISA, so values are
// compared with a relative tolerance, never bit for bit.
#include <cmath>
#include <vector>

#include "../src/kernels/nn/nn_table.h"
#include "../src/simd/cpu_features.h"
#include "fuzz_input.h"

namespace {

using simdtrain::Isa;

bool close(double got, double want, double rel, double abs_tol) {
  if (std::isnan(want)) return std::isnan(got);
  return std::fabs(got - want) <= abs_tol + rel * std::fabs(want);
}

void compare(const char* what, const char* isa, const std::vector<float>& got, const std::vector<float>& want,
             double rel, double abs_tol) {
  for (size_t i = 0; i < want.size(); ++i) {
    if (!close(got[i], want[i], rel, abs_tol)) fuzz::mismatch(what, isa, want.size(), got[i], want[i]);
  }
}

void fuzz_nn(fuzz::Input& in) {
  const size_t rows = 1 + in.size(40), cols = 1 + in.size(70);
  const size_t n = rows * cols;
  const int act = in.byte() % simdtrain::kActCount;
  const float range = 1.0f + static_cast<float>(in.byte() % 40);  // up to |x| = 41: saturating exp
  const std::vector<float> x = in.floats(n, range);
  const std::vector<float> dy = in.floats(n, 1.0f);
  const std::vector<float> bias = in.floats(cols, 1.0f);
  const std::vector<float> target = in.floats(n, 1.0f);
  std::vector<int32_t> labels(rows);
  for (auto& l : labels) l = static_cast<int32_t>(in.u32() % cols);

  const auto& ra = simdtrain::scalar::kNnActKernels;
  const auto& rl = simdtrain::scalar::kNnLossKernels;
  std::vector<float> y_ref(n), dx_ref(n), sums_ref(cols), grad_ref(n);
  ra.bias_act(rows, cols, x.data(), bias.data(), y_ref.data(), act, 0.01f);
  ra.act_backward(rows, cols, x.data(), y_ref.data(), dy.data(), dx_ref.data(), act, 0.01f);
  ra.col_sums(rows, cols, cols, x.data(), sums_ref.data(), false);
  size_t correct_ref = 0;
  const double xent_ref = rl.softmax_xent_labels(rows, cols, x.data(), labels.data(), 0.5f, grad_ref.data(), &correct_ref);
  const double mse_ref = rl.mse(n, x.data(), target.data(), 1.0f, nullptr);

  for (int i = 1; i < simdtrain::kIsaCount; ++i) {
    const Isa isa = static_cast<Isa>(i);
    if (!simdtrain::cpu_supports(isa)) continue;
    const auto* ta = SIMDTRAIN_TABLE_FOR(isa, kNnActKernels);
    const auto* tl = SIMDTRAIN_TABLE_FOR(isa, kNnLossKernels);
    if (!ta || !tl) continue;
    const char* name = simdtrain::isa_name(isa);
    std::vector<float> y(n), dx(n), sums(cols), grad(n);
    ta->bias_act(rows, cols, x.data(), bias.data(), y.data(), act, 0.01f);
    // GELU's normal-CDF approximation is good to ~2e-6 relative (measured
    // against double); two ISAs may sit on either side of the true value.
    compare("bias_act", name, y, y_ref, 5e-6, 1e-6);
    ta->act_backward(rows, cols, x.data(), y_ref.data(), dy.data(), dx.data(), act, 0.01f);
    compare("act_backward", name, dx, dx_ref, 1e-5, 2e-6);
    ta->col_sums(rows, cols, cols, x.data(), sums.data(), false);
    compare("col_sums", name, sums, sums_ref, 1e-6, 1e-5 * range * rows);
    size_t correct = 0;
    const double xent = tl->softmax_xent_labels(rows, cols, x.data(), labels.data(), 0.5f, grad.data(), &correct);
    if (!close(xent, xent_ref, 1e-5, 1e-4)) fuzz::mismatch("softmax_xent", name, n, xent, xent_ref);
    // softmax(z) - onehot cancels at the label: the row sum of cols float
    // terms near 1 carries up to cols/2 ulps(1) of rounding on any ISA.
    compare("softmax_xent grad", name, grad, grad_ref, 1e-5, 1e-6 + 0.5 * cols * 1.2e-7);
    const double m = tl->mse(n, x.data(), target.data(), 1.0f, nullptr);
    if (!close(m, mse_ref, 1e-5, 1e-4)) fuzz::mismatch("mse", name, n, m, mse_ref);
  }
}

fuzz::TargetRegistrar registrar("nn", fuzz_nn);

}  // namespace

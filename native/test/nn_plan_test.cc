// The MLP plan (gather, forward, fused loss, backward through the GEMM) on
// every ISA: its gradients against central differences of a double-precision
// reference forward pass. Runs under ASan/UBSan too.
#include <cmath>
#include <vector>

#include "../src/kernels/nn/mlp_plan.h"
#include "../src/simd/dispatch.h"
#include "test_framework.h"
#include "test_util.h"

using namespace simdtrain;

namespace {

double act_ref(int act, double z) {
  switch (act) {
    case kActRelu: return z > 0 ? z : 0;
    case kActTanh: return std::tanh(z);
    case kActGelu: return 0.5 * z * std::erfc(-z / std::sqrt(2.0));
    default: return z;
  }
}

// Mean softmax cross-entropy of the plan's layers (params in double).
double ref_loss(const std::vector<DenseSpec>& layers, const std::vector<double>& p, const std::vector<float>& x,
                const std::vector<int32_t>& labels, const std::vector<int32_t>& index, size_t rows) {
  double total = 0;
  for (size_t r = 0; r < rows; ++r) {
    const size_t row = static_cast<size_t>(index[r]);
    std::vector<double> a(x.begin() + row * layers[0].in, x.begin() + (row + 1) * layers[0].in);
    for (size_t l = 0; l < layers.size(); ++l) {
      const DenseSpec& s = layers[l];
      std::vector<double> z(s.out);
      for (size_t j = 0; j < s.out; ++j) {
        double acc = s.has_bias ? p[s.b_offset + j] : 0;
        for (size_t i = 0; i < s.in; ++i) acc += a[i] * p[s.w_offset + i * s.out + j];
        z[j] = l + 1 == layers.size() ? acc : act_ref(s.act, acc);
      }
      a = z;
    }
    double m = a[0];
    for (double v : a) m = std::max(m, v);
    double s = 0;
    for (double v : a) s += std::exp(v - m);
    total += m + std::log(s) - a[static_cast<size_t>(labels[row])];
  }
  return total / static_cast<double>(rows);
}

}  // namespace

TEST(nn_plan_gradients_match_finite_differences_on_every_isa) {
  const std::vector<DenseSpec> layers = {
      {3, 5, kActRelu, 0.0f, 0, 15, true}, {5, 4, kActGelu, 0.0f, 20, 40, true}, {4, 3, kActTanh, 0.0f, 44, 56, false},
      {3, 3, kActSoftmax, 0.0f, 56, 65, true}};
  const size_t n_params = 68, n = 9, rows = 6;
  std::vector<float> params = testing::random_floats(n_params, 5);
  std::vector<float> x = testing::random_floats(n * 3, 7);
  std::vector<int32_t> labels(n), index = {8, 1, 4, 4, 0, 6};
  for (size_t i = 0; i < n; ++i) labels[i] = static_cast<int32_t>(i % 3);
  for (auto isa : testing::runnable_isas()) {
    set_active_isa(isa);
    std::vector<float> grads(n_params, 99.0f);
    MlpPlan plan(layers, 2);  // grown by reserve below
    plan.bind(params.data(), grads.data());
    plan.reserve(rows);
    BatchSource src;
    src.x = x.data();
    src.index = index.data();
    src.rows = rows;
    src.labels = labels.data();
    const LossResult res = plan.train_step(src, kLossSoftmaxXent, 1.0f / rows, false);
    std::vector<double> p(params.begin(), params.end());
    CHECK_NEAR(res.sum / rows, ref_loss(layers, p, x, labels, index, rows), 1e-5);
    const double h = 1e-6;
    for (size_t i = 0; i < n_params; ++i) {
      const double v = p[i];
      p[i] = v + h;
      const double up = ref_loss(layers, p, x, labels, index, rows);
      p[i] = v - h;
      const double down = ref_loss(layers, p, x, labels, index, rows);
      p[i] = v;
      CHECK_NEAR(grads[i], (up - down) / (2 * h), 2e-4);
    }
    // Accumulating a second identical step doubles every gradient.
    std::vector<float> once = grads;
    plan.train_step(src, kLossSoftmaxXent, 1.0f / rows, true);
    for (size_t i = 0; i < n_params; ++i) CHECK_NEAR(grads[i], 2.0 * once[i], 1e-6);
  }
  set_active_isa(best_supported_isa());
}

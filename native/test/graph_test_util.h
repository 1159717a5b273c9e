// Helpers shared by the graph-plan tests (graph_plan_test.cc, graph_conv_fusion_test.cc):
// op descriptions, a gathered training batch, every-ISA / thread-count loops,
// central differences and bit-for-bit comparison of plan outputs.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "../src/core/thread_pool.h"
#include "../src/kernels/graph/graph_plan.h"
#include "../src/simd/dispatch.h"
#include "test_framework.h"
#include "test_util.h"

namespace simdtrain {
namespace graph_test {

using namespace simdtrain::graph;

inline OpDesc op(int code, std::vector<int> in, int out, std::map<std::string, double> attrs) {
  OpDesc d;
  d.code = code;
  d.inputs = std::move(in);
  d.output = out;
  d.attrs = std::move(attrs);
  return d;
}

inline Shape vec(size_t c) { return Shape{1, 1, c}; }

// 9 samples of a 12-value input (or in_size values), 6 of them gathered (one twice) with labels
// 0,1,2,... and a softmax cross-entropy averaged over the batch.
struct TrainBatch {
  static constexpr size_t kSamples = 9, kRows = 6;
  std::vector<float> x;
  std::vector<int32_t> labels, index = {8, 1, 4, 4, 0, 6};
  BatchSource src;
  LossOptions opt;
  explicit TrainBatch(size_t in_size = 12, uint32_t seed = 7) : x(testing::random_floats(kSamples * in_size, seed)) {
    for (size_t i = 0; i < kSamples; ++i) labels.push_back(static_cast<int32_t>(i % 3));
    src.x = x.data(), src.n = kSamples, src.index = index.data(), src.rows = kRows, src.labels = labels.data();
    opt.loss = kLossSoftmaxXent;
    opt.scale = 1.0f / kRows;
  }
};

// True when the plan's training step refuses the batch with out_of_range.
inline bool step_refuses(GraphPlan& plan, const BatchSource& src, const LossOptions& opt) {
  try {
    plan.train_step(src, opt, false);
  } catch (const std::out_of_range&) {
    return true;
  }
  return false;
}

// Runs fn() on 1 and 2 threads, every runnable ISA each; restores the defaults.
template <class Fn>
void on_every_isa_and_thread_count(Fn&& fn) {
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    for (auto isa : testing::runnable_isas()) {
      set_active_isa(isa);
      fn();
    }
  }
  set_num_threads(get_num_threads());
  set_active_isa(best_supported_isa());
}

// Checks grads[i] against the central difference of loss_at() with step h in params[i], for every i.
template <class LossAt>
void check_central_differences(std::vector<float>& params, const std::vector<float>& grads, float h, double tol, LossAt&& loss_at) {
  for (size_t i = 0; i < params.size(); ++i) {
    const float v = params[i];
    params[i] = v + h;
    const double up = loss_at();
    params[i] = v - h;
    const double down = loss_at();
    params[i] = v;
    CHECK_NEAR(grads[i], (up - down) / (2 * h), tol);
  }
}

// Whether two float vectors have the same bits.
inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// A plan's outputs for a batch: the gradients after a training step and a
// second, accumulating one, the buffers (running statistics) after them,
// then the evaluation-mode predictions (3 per row) and the three loss sums.
inline std::vector<float> plan_outcome(GraphPlan& plan, std::vector<float>& params, std::vector<float> buffers,
                                       const TrainBatch& batch) {
  const size_t rows = TrainBatch::kRows;
  std::vector<float> grads(params.size(), 99.0f), pred(rows * 3);
  plan.bind(params.data(), grads.data(), buffers.data());
  plan.reserve(rows);
  const LossResult r1 = plan.train_step(batch.src, batch.opt, false);
  const LossResult r2 = plan.train_step(batch.src, batch.opt, true);
  const LossResult ev = plan.evaluate(batch.src, rows, batch.opt, true, pred.data());
  std::vector<float> o = grads;
  o.insert(o.end(), buffers.begin(), buffers.end());
  o.insert(o.end(), pred.begin(), pred.end());
  for (double v : {r1.sum, r2.sum, ev.sum}) o.push_back(static_cast<float>(v));
  return o;
}

}  // namespace graph_test
}  // namespace simdtrain

// The graph plan (gather, forward, fused loss, backward) on every ISA and on
// 1 and 2 threads: gradients of a small graph with a flatten of a spatial
// input, a residual Add, a Concatenate and a fused softmax against central
// differences of the plan's own evaluation-mode loss; accumulation; labels
// that go bad between validation and use; the ReLU fusions give the unfused
// bits (the convolutions' fusions: graph_conv_fusion_test.cc).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "../src/core/thread_pool.h"
#include "../src/kernels/conv/conv2d.h"
#include "../src/kernels/conv/conv_winograd_path.h"
#include "../src/kernels/graph/graph_plan.h"
#include "../src/simd/dispatch.h"
#include "test_framework.h"
#include "graph_test_util.h"
#include "test_util.h"

using namespace simdtrain;
using namespace simdtrain::graph;
using namespace simdtrain::graph_test;

namespace {

// input [2,3,2] -> flatten(12) -> dense 5 tanh (s2) -> dense 5 gelu (s3) -> add s2+s3 (s4)
// -> concat(s4, s2) (s5, 10) -> dense 3 (s6) -> softmax (s7)
struct Net {
  std::vector<Shape> slots = {Shape{2, 3, 2}, vec(12), vec(5), vec(5), vec(5), vec(10), vec(3), vec(3)};
  std::vector<OpDesc> ops = {
      op(kOpFlatten, {0}, 1, {{"nchw", 1}}),
      op(kOpDense, {1}, 2, {{"in", 12}, {"out", 5}, {"act", kActTanh}, {"w", 0}, {"b", 60}}),
      op(kOpDense, {2}, 3, {{"in", 5}, {"out", 5}, {"act", kActGelu}, {"w", 65}, {"b", 90}}),
      op(kOpAdd, {2, 3}, 4, {}),
      op(kOpConcat, {4, 2}, 5, {}),
      op(kOpDense, {5}, 6, {{"in", 10}, {"out", 3}, {"act", kActLinear}, {"w", 95}}),
      op(kOpActivation, {6}, 7, {{"act", kActSoftmax}}),
  };
  static constexpr size_t kParams = 125;
};

}  // namespace

TEST(graph_plan_gradients_match_finite_differences_on_every_isa_and_thread_count) {
  Net net;
  TrainBatch batch;
  const size_t rows = TrainBatch::kRows;
  BatchSource& src = batch.src;
  const LossOptions& opt = batch.opt;
  std::vector<float> params = testing::random_floats(Net::kParams, 5);
  on_every_isa_and_thread_count([&] {
    std::vector<float> grads(Net::kParams, 99.0f);
    GraphPlan plan(net.slots, net.ops, ArenaSizes{Net::kParams, 0}, 1, true);
    plan.bind(params.data(), grads.data(), nullptr);
    plan.reserve(rows);
    const LossResult res = plan.train_step(src, opt, false);
    auto loss_at = [&]() { return plan.evaluate(src, rows, opt, true, nullptr).sum / rows; };
    CHECK_NEAR(res.sum / rows, loss_at(), 1e-5);
    check_central_differences(params, grads, 1e-2f, 2e-3, loss_at);
    std::vector<float> once = grads;
    plan.train_step(src, opt, true);
    for (size_t i = 0; i < Net::kParams; ++i) CHECK_NEAR(grads[i], 2.0 * once[i], 1e-5);
  });
}

// The gradient-ready hook (simdtrain/distributed's buckets): called once per
// op the backward pass runs, with ops_left going down from the last op run to
// 0, and at each call the parameter gradients of the ops >= ops_left are
// already final (equal to those after the whole step).
TEST(graph_plan_grad_ready_hook_reports_final_gradients_in_reverse_op_order) {
  Net net;
  TrainBatch batch;
  const size_t rows = TrainBatch::kRows;
  BatchSource& src = batch.src;
  const LossOptions& opt = batch.opt;
  std::vector<float> params = testing::random_floats(Net::kParams, 5);
  std::vector<float> grads(Net::kParams, 99.0f);
  GraphPlan plan(net.slots, net.ops, ArenaSizes{Net::kParams, 0}, 1, true);
  plan.bind(params.data(), grads.data(), nullptr);
  plan.reserve(rows);
  struct Seen {
    std::vector<size_t> ops_left;
    std::vector<std::vector<float>> grads;
    const std::vector<float>* arena;
  } seen{{}, {}, &grads};
  GradReadyHook hook;
  hook.ctx = &seen;
  hook.ready = [](void* ctx, size_t ops_left) {
    auto* s = static_cast<Seen*>(ctx);
    s->ops_left.push_back(ops_left);
    s->grads.push_back(*s->arena);
  };
  plan.train_step(src, opt, false, &hook);
  // The softmax is fused into the loss: the backward pass runs ops 5..0.
  CHECK(seen.ops_left == (std::vector<size_t>{5, 4, 3, 2, 1, 0}));
  // Parameter ranges per op: dense@1 [0, 65), dense@2 [65, 95), dense@5 [95, 125).
  const size_t first_op[3] = {1, 2, 5}, begin[3] = {0, 65, 95}, end[3] = {65, 95, 125};
  for (size_t k = 0; k < seen.ops_left.size(); ++k) {
    for (int d = 0; d < 3; ++d) {
      if (first_op[d] < seen.ops_left[k]) continue;  // not final yet
      for (size_t i = begin[d]; i < end[d]; ++i) CHECK(seen.grads[k][i] == grads[i]);
    }
  }
  // At the first call only op 5 had run: the first dense's gradients still
  // held the arena's old contents.
  CHECK(seen.grads[0][95] == grads[95] && seen.grads[0][0] == 99.0f);
}

namespace {

// BatchNorm -> ReLU and a residual Add -> ReLU (the fusions of
// graph_fusion.h): input [2, 2, 3] -> bn (s1) -> relu (s2) -> bn (s3) ->
// add s3 + s2 (s4) -> act (s5) -> flatten (s6) -> dense 3 (s7) -> softmax (s8).
// With act = ReLU the second BatchNorm folds into the Add + ReLU; with tanh
// the Add stays unfused and its BatchNorm input shares the other's gradient.
// `swap` puts the BatchNorm second among the Add's inputs; `proj` makes the
// Add's other input a third BatchNorm of s2 written after the second (s9,
// as a ResNet's projection shortcut): then the fused op runs at the Add's place.
struct BnNet {
  static std::map<std::string, double> bn(double gamma, double mean, double nbt) {
    return {{"c", 3}, {"eps", 1e-5}, {"momentum", 0.1}, {"gamma", gamma}, {"beta", gamma + 3}, {"mean", mean}, {"var", mean + 3}, {"nbt", nbt}};
  }
  std::vector<Shape> slots = {Shape{2, 2, 3}, Shape{2, 2, 3}, Shape{2, 2, 3}, Shape{2, 2, 3}, Shape{2, 2, 3}, Shape{2, 2, 3},
                              vec(12), vec(3), vec(3)};
  std::vector<OpDesc> ops;
  BnNet(int act = kActRelu, bool swap = false, bool proj = false) {
    const int other = proj ? 9 : 2;
    ops.push_back(op(kOpBatchNorm, {0}, 1, bn(0, 0, 6)));
    ops.push_back(op(kOpActivation, {1}, 2, {{"act", kActRelu}}));
    ops.push_back(op(kOpBatchNorm, {2}, 3, bn(6, 7, 13)));
    if (proj) slots.push_back(Shape{2, 2, 3}), ops.push_back(op(kOpBatchNorm, {2}, 9, bn(51, 14, 20)));
    ops.push_back(op(kOpAdd, swap ? std::vector<int>{other, 3} : std::vector<int>{3, other}, 4, {}));
    ops.push_back(op(kOpActivation, {4}, 5, {{"act", static_cast<double>(act)}}));
    ops.push_back(op(kOpFlatten, {5}, 6, {{"nchw", 1}}));
    ops.push_back(op(kOpDense, {6}, 7, {{"in", 12}, {"out", 3}, {"act", kActLinear}, {"w", 12}, {"b", 48}}));
    ops.push_back(op(kOpActivation, {7}, 8, {{"act", kActSoftmax}}));
  }
  static constexpr size_t kParams = 57, kBuffers = 21;  // the third BatchNorm's at 51..56 and 14..20
  static std::vector<float> buffers() {
    std::vector<float> b(kBuffers, 0.0f);
    for (size_t i : {3, 4, 5, 10, 11, 12, 17, 18, 19}) b[i] = 1.0f;  // running variances
    return b;
  }
};

}  // namespace

// The fused plan gives the unfused plan's bits (outputs, loss, gradients,
// running statistics, evaluation) on every ISA and thread count, and its
// gradients match central differences of its training-mode loss: BatchNorm +
// ReLU, and BatchNorm + Add + ReLU (the BatchNorm first or second among the
// Add's inputs, the other input written before or after it), or Add + tanh
// with the shared input gradient.
TEST(graph_plan_relu_fusions_give_the_unfused_bits_and_finite_difference_gradients) {
  struct Case {
    BnNet net;
    size_t fused, shared;
  };
  const Case cases[] = {{BnNet(), 3, 0}, {BnNet(kActRelu, true), 3, 0}, {BnNet(kActRelu, false, true), 3, 0},
                        {BnNet(kActRelu, true, true), 3, 0}, {BnNet(kActTanh), 1, 1}};
  TrainBatch batch;
  const size_t rows = TrainBatch::kRows;
  std::vector<float> params = testing::random_floats(BnNet::kParams, 9);
  for (const Case& k : cases) {
    const BnNet& net = k.net;
    on_every_isa_and_thread_count([&] {
      std::vector<float> out[2];
      for (bool fuse : {false, true}) {
        std::vector<float> grads(BnNet::kParams, 99.0f), buffers = BnNet::buffers(), pred(rows * 3);
        GraphPlan plan(net.slots, net.ops, ArenaSizes{BnNet::kParams, BnNet::kBuffers}, 1, true, false, fuse);
        CHECK(plan.fused_count() == (fuse ? k.fused : 0u));
        CHECK(plan.shared_grad_count() == (fuse ? k.shared : 0u));
        plan.bind(params.data(), grads.data(), buffers.data());
        plan.reserve(rows);
        std::vector<size_t> seen;  // the gradient-ready hook still reports every op, fused ones included
        GradReadyHook hook;
        hook.ctx = &seen;
        hook.ready = [](void* ctx, size_t ops_left) { static_cast<std::vector<size_t>*>(ctx)->push_back(ops_left); };
        const LossResult r1 = plan.train_step(batch.src, batch.opt, false, &hook);
        std::vector<size_t> want_seen;
        for (size_t i = net.ops.size() - 1; i-- > 0;) want_seen.push_back(i);  // the softmax is fused into the loss
        CHECK(seen == want_seen);
        const LossResult r2 = plan.train_step(batch.src, batch.opt, true);
        const LossResult ev = plan.evaluate(batch.src, rows, batch.opt, true, pred.data());
        std::vector<float>& o = out[fuse];
        o = grads;
        o.insert(o.end(), buffers.begin(), buffers.end());
        o.insert(o.end(), pred.begin(), pred.end());
        for (double v : {r1.sum, r2.sum, ev.sum}) o.push_back(static_cast<float>(v));
        if (!fuse) continue;
        // Finite differences of the training-mode loss (batch statistics) on the fused plan.
        std::vector<float> g(BnNet::kParams), scratch(BnNet::kParams);
        plan.bind(params.data(), g.data(), buffers.data());
        plan.train_step(batch.src, batch.opt, false);
        plan.bind(params.data(), scratch.data(), buffers.data());
        // h small: a ReLU kink lies within 1e-2 of this net's values.
        check_central_differences(params, g, 1e-3f, 3e-3, [&] { return plan.train_step(batch.src, batch.opt, false).sum / rows; });
      }
      CHECK(same_bits(out[0], out[1]));
    });
  }
}

TEST(graph_plan_refuses_bad_labels_and_rows_before_writing) {
  Net net;
  std::vector<float> params = testing::random_floats(Net::kParams, 5), grads(Net::kParams, 7.0f);
  std::vector<float> x = testing::random_floats(4 * 12, 3);
  std::vector<int32_t> labels = {0, 1, 3, 2}, index = {0, 5};
  GraphPlan plan(net.slots, net.ops, ArenaSizes{Net::kParams, 0}, 1);
  plan.bind(params.data(), grads.data(), nullptr);
  plan.reserve(4);
  BatchSource src;
  src.x = x.data(), src.n = 4, src.rows = 4, src.labels = labels.data();
  LossOptions opt;
  opt.loss = kLossSoftmaxXent;
  CHECK(step_refuses(plan, src, opt));  // label 3 of 3 classes
  labels[2] = 2;
  src.index = index.data(), src.rows = 2;
  CHECK(step_refuses(plan, src, opt));  // index 5 of 4 samples
  for (float g : grads) CHECK(g == 7.0f);
}

// Activations start on a cache line (core/aligned_vector.h): with malloc's
// 16-byte alignment half the vectors of a 16-channel NHWC row split lines.
TEST(graph_plan_activations_start_on_cache_lines) {
  Net net;
  std::vector<float> params = testing::random_floats(Net::kParams, 5), grads(Net::kParams, 0.0f);
  GraphPlan plan(net.slots, net.ops, ArenaSizes{Net::kParams, 0}, 1);
  plan.bind(params.data(), grads.data(), nullptr);
  for (size_t rows : {1, 3, 17}) {
    plan.reserve(rows);
    std::vector<float> x = testing::random_floats(rows * 12, 11);
    BatchSource src;
    src.x = x.data(), src.n = rows, src.rows = rows;
    plan.load(src);
    const float* out = plan.forward(rows, false);
    CHECK(reinterpret_cast<uintptr_t>(out) % 64 == 0);
  }
  for (size_t n : {1, 5, 1000, 100000}) {
    AlignedVector<float> v(n);
    CHECK(reinterpret_cast<uintptr_t>(v.data()) % 64 == 0);
  }
}

TEST(graph_plan_rejects_inconsistent_op_lists) {
  Net net;
  auto throws = [&](std::vector<OpDesc> ops, std::vector<Shape> slots) {
    try {
      GraphPlan plan(slots, ops, ArenaSizes{Net::kParams, 0}, 1);
    } catch (const std::invalid_argument&) {
      return true;
    }
    return false;
  };
  CHECK(!throws(net.ops, net.slots));
  auto ops = net.ops;
  ops[1].attrs["in"] = 11;  // input has 12 features
  CHECK(throws(ops, net.slots));
  ops = net.ops;
  ops[5].attrs["w"] = 120;  // W runs past the arena
  CHECK(throws(ops, net.slots));
  ops = net.ops;
  ops[3].inputs = {2, 6};  // reads a slot before it is written
  CHECK(throws(ops, net.slots));
  ops = net.ops;
  ops[0].code = 999;
  CHECK(throws(ops, net.slots));
  // A BatchNorm with two inputs of one shape (as the fused BatchNorm + Add + ReLU has) is refused.
  BnNet bn_net;
  auto bn_throws = [&](std::vector<OpDesc> bops) {
    try {
      GraphPlan plan(bn_net.slots, bops, ArenaSizes{BnNet::kParams, BnNet::kBuffers}, 1);
    } catch (const std::invalid_argument&) {
      return true;
    }
    return false;
  };
  CHECK(!bn_throws(bn_net.ops));
  auto bops = bn_net.ops;
  bops[2].inputs = {2, 1};
  CHECK(bn_throws(bops));
}

// ids [3] -> embedding (vocab 5, dim 2) [1, 3, 2] -> flatten -> dense 2: the
// ids are copied and checked by the plan; a bad id (or one rewritten after
// the binding's check) throws before any op runs and writes no gradient.
TEST(graph_plan_embedding_reads_integer_ids_and_refuses_bad_ones) {
  const std::vector<Shape> slots = {vec(3), Shape{1, 3, 2}, vec(6), vec(2)};
  const std::vector<OpDesc> ops = {
      op(kOpEmbedding, {0}, 1, {{"vocab", 5}, {"dim", 2}, {"weight", 0}}),
      op(kOpFlatten, {1}, 2, {{"nchw", 0}}),
      op(kOpDense, {2}, 3, {{"in", 6}, {"out", 2}, {"act", kActLinear}, {"w", 10}}),
  };
  std::vector<float> params = testing::random_floats(22, 3), grads(22, 7.0f);
  GraphPlan plan(slots, ops, ArenaSizes{22, 0}, 1);
  CHECK(plan.id_input() && plan.id_limit() == 5);
  plan.bind(params.data(), grads.data(), nullptr);
  plan.reserve(2);
  std::vector<int32_t> ids = {4, 0, 4, 1, 4, 0}, labels = {0, 1};
  BatchSource src;
  src.ids = ids.data(), src.n = 2, src.rows = 2, src.labels = labels.data();
  LossOptions opt;
  opt.loss = kLossSoftmaxXent;
  plan.train_step(src, opt, false);
  // Rows of the table never looked up (2, 3) get a zero gradient; the others do not.
  for (size_t j = 0; j < 2; ++j) {
    CHECK(grads[2 * 2 + j] == 0.0f && grads[3 * 2 + j] == 0.0f);
    CHECK(grads[0 * 2 + j] != 0.0f && grads[1 * 2 + j] != 0.0f && grads[4 * 2 + j] != 0.0f);
  }
  for (int32_t bad : {5, -1, 1 << 30}) {
    std::fill(grads.begin(), grads.end(), 7.0f);
    ids[4] = bad;
    CHECK(step_refuses(plan, src, opt));
    for (float g : grads) CHECK(g == 7.0f);
  }
  // An Embedding must be the only reader of the input.
  std::vector<OpDesc> mixed = ops;
  mixed.push_back(op(kOpDense, {0}, 4, {{"in", 3}, {"out", 2}, {"act", kActLinear}, {"w", 10}}));
  mixed.push_back(op(kOpAdd, {3, 4}, 5, {}));
  std::vector<Shape> mixed_slots = slots;
  mixed_slots.push_back(vec(2));
  mixed_slots.push_back(vec(2));
  bool threw = false;
  try {
    GraphPlan bad_plan(mixed_slots, mixed, ArenaSizes{22, 0}, 1);
  } catch (const std::invalid_argument&) {
    threw = true;
  }
  CHECK(threw);
}

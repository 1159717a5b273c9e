// The graph plan (gather, forward, fused loss, backward) on every ISA and on
// 1 and 2 threads: gradients of a small graph with a flatten of a spatial
// input, a residual Add, a Concatenate and a fused softmax against central
// differences of the plan's own evaluation-mode loss; accumulation; labels
// that go bad between validation and use; the ReLU, Conv2D(relu) + MaxPool2D and BatchNorm + ReLU + Conv2D fusions and the convolutions'
// in-place input-gradient fan-in give the unfused bits.
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
#include "test_util.h"

using namespace simdtrain;
using namespace simdtrain::graph;

namespace {

OpDesc op(int code, std::vector<int> in, int out, std::map<std::string, double> attrs) {
  OpDesc d;
  d.code = code;
  d.inputs = std::move(in);
  d.output = out;
  d.attrs = std::move(attrs);
  return d;
}

Shape vec(size_t c) { return Shape{1, 1, c}; }

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

// 9 samples of Net's input, 6 of them gathered (one twice) with labels
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
bool step_refuses(GraphPlan& plan, const BatchSource& src, const LossOptions& opt) {
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
      CHECK(out[0].size() == out[1].size() && std::memcmp(out[0].data(), out[1].data(), out[0].size() * sizeof(float)) == 0);
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

namespace {

// Conv2D(relu) -> MaxPool2D, fused when the pool's windows tile the conv output (graph_fusion.h):
// input [8, 8, 2] -> conv 3x3 valid, 3 filters, relu, bias (s1 [6, 6, 3]) -> max pool 2 (s2 [3, 3, 3])
// -> conv 3x3 same, 4 filters, relu, no bias (s3 [3, 3, 4]) -> max pool 2 (s4 [1, 1, 4]: the last
// row and column dropped) -> flatten (s5) -> dense 3 (s6) -> softmax (s7). pool_stride 1 (first
// pool overlapping: s2 [5, 3, 3]) or act linear (first conv): only the second pair fuses.
struct ConvNet {
  std::vector<Shape> slots = {Shape{8, 8, 2}, Shape{6, 6, 3}, Shape{3, 3, 3}, Shape{3, 3, 4},
                              Shape{1, 1, 4}, vec(4),         vec(3),         vec(3)};
  std::vector<OpDesc> ops;
  static constexpr size_t kParams = 192;  // the dense layer's weights at 165, up to 24 of them
  explicit ConvNet(double pool_stride = 2, int act = kActRelu) {
    ops = {
        op(kOpConv2d, {0}, 1, {{"outC", 3}, {"kh", 3}, {"kw", 3}, {"act", act}, {"w", 0}, {"b", 54}}),
        op(kOpMaxPool2d, {1}, 2, {{"kh", 2}, {"kw", 2}, {"sh", pool_stride}, {"sw", 2}}),
        op(kOpConv2d, {2}, 3, {{"outC", 4}, {"kh", 3}, {"kw", 3}, {"pt", 1}, {"pb", 1}, {"pl", 1}, {"pr", 1}, {"act", kActRelu}, {"w", 57}}),
        op(kOpMaxPool2d, {3}, 4, {{"kh", 2}, {"kw", 2}}),
        op(kOpFlatten, {4}, 5, {}),
        op(kOpDense, {5}, 6, {{"in", 4}, {"out", 3}, {"act", kActLinear}, {"w", 165}, {"b", 189}}),
        op(kOpActivation, {6}, 7, {{"act", kActSoftmax}}),
    };
    if (pool_stride == 2) return;
    slots[2] = Shape{5, 3, 3}, slots[3] = Shape{5, 3, 4}, slots[4] = Shape{2, 1, 4}, slots[5] = vec(8);
    ops[5].attrs["in"] = 8;
  }
};

}  // namespace

// The fused plan gives the unfused plan's bits (outputs, losses, gradients,
// evaluation) on every ISA and thread count; its gradients match central differences.
TEST(graph_conv_relu_maxpool_fusion_gives_the_unfused_bits_and_finite_difference_gradients) {
  ConvNet net;
  TrainBatch batch(128, 17);
  const size_t rows = TrainBatch::kRows;
  std::vector<float> params = testing::random_floats(ConvNet::kParams, 19);
  for (size_t i = 54; i < 57; ++i) params[i] = 0.05f;  // biases: some relus open, some closed
  bool first = true;  // finite differences once
  on_every_isa_and_thread_count([&] {
    std::vector<float> out[2];
    for (bool fuse : {false, true}) {
      std::vector<float> grads(ConvNet::kParams, 99.0f), pred(rows * 3);
      GraphPlan plan(net.slots, net.ops, ArenaSizes{ConvNet::kParams, 0}, 1, false, false, fuse);
      CHECK(plan.fused_count() == (fuse ? 2u : 0u));
      plan.bind(params.data(), grads.data(), nullptr);
      plan.reserve(rows);
      const LossResult r1 = plan.train_step(batch.src, batch.opt, false);
      const LossResult r2 = plan.train_step(batch.src, batch.opt, true);
      const LossResult ev = plan.evaluate(batch.src, rows, batch.opt, true, pred.data());
      std::vector<float>& o = out[fuse];
      o = grads;
      o.insert(o.end(), pred.begin(), pred.end());
      for (double v : {r1.sum, r2.sum, ev.sum}) o.push_back(static_cast<float>(v));
      if (!fuse || !first) continue;
      first = false;
      std::vector<float> g(ConvNet::kParams);
      plan.bind(params.data(), g.data(), nullptr);
      plan.train_step(batch.src, batch.opt, false);
      size_t nonzero = 0;
      for (float v : g) nonzero += v != 0.0f;
      CHECK(nonzero > ConvNet::kParams / 2);
      check_central_differences(params, g, 1e-3f, 3e-3, [&] { return plan.evaluate(batch.src, rows, batch.opt, true, nullptr).sum / rows; });
    }
    CHECK(out[0].size() == out[1].size() && std::memcmp(out[0].data(), out[1].data(), out[0].size() * sizeof(float)) == 0);
  });
}

TEST(graph_conv_maxpool_stays_unfused_without_relu_or_tiling_windows) {
  for (const ConvNet& net : {ConvNet(1), ConvNet(2, kActLinear)}) {
    GraphPlan plan(net.slots, net.ops, ArenaSizes{ConvNet::kParams, 0}, 1, false, false, true);
    CHECK(plan.fused_count() == 1u);  // the second conv + pool only
  }
}

namespace {

// A residual fan-in of convolution input gradients: input [6, 6, 16] -> conv 1x1 (s1) -> conv `first`
// (s2) and conv 1x1 with the same stride (s3) -> add (s4) -> flatten (s5) -> dense 3 (s6) -> softmax
// (s7). Backward runs the 1x1 conv first (it writes s1's gradient), then `first`, whose input
// gradient adds to it: in place with fusions on (Op::adds_dx), through the fan buffer without.
struct FanNet {
  std::vector<Shape> slots;
  std::vector<OpDesc> ops;
  static constexpr size_t kParams = 4547, kIn = 6 * 6 * 16;
  FanNet(size_t k, size_t stride, size_t groups) {
    const size_t o = (6 + 2 * (k / 2) - k) / stride + 1;
    slots = {Shape{6, 6, 16}, Shape{6, 6, 16}, Shape{o, o, 16}, Shape{o, o, 16}, Shape{o, o, 16}, vec(o * o * 16), vec(3), vec(3)};
    const double p = static_cast<double>(k / 2), st = static_cast<double>(stride);
    ops = {
        op(kOpConv2d, {0}, 1, {{"outC", 16}, {"kh", 1}, {"kw", 1}, {"w", 0}}),
        op(kOpConv2d, {1}, 2, {{"outC", 16}, {"kh", static_cast<double>(k)}, {"kw", static_cast<double>(k)}, {"sh", st}, {"sw", st},
                               {"pt", p}, {"pb", p}, {"pl", p}, {"pr", p}, {"groups", static_cast<double>(groups)}, {"w", 256}}),
        op(kOpConv2d, {1}, 3, {{"outC", 16}, {"kh", 1}, {"kw", 1}, {"sh", st}, {"sw", st}, {"w", 2560}}),
        op(kOpAdd, {2, 3}, 4, {}),
        op(kOpFlatten, {4}, 5, {}),
        op(kOpDense, {5}, 6, {{"in", static_cast<double>(o * o * 16)}, {"out", 3}, {"act", kActLinear}, {"w", 2816}, {"b", 4544}}),
        op(kOpActivation, {6}, 7, {{"act", kActSoftmax}}),
    };
  }
};

// A training step and an accumulating one from gradients of 99: the gradients, then the two losses.
std::vector<float> two_steps(GraphPlan& plan, std::vector<float> params, const TrainBatch& batch) {
  std::vector<float> grads(params.size(), 99.0f);
  plan.bind(params.data(), grads.data(), nullptr);
  plan.reserve(TrainBatch::kRows);
  const double first = plan.train_step(batch.src, batch.opt, false).sum;
  grads.push_back(static_cast<float>(plan.train_step(batch.src, batch.opt, true).sum));
  grads.push_back(static_cast<float>(first));
  return grads;
}

}  // namespace

// Each convolution path's in-place input-gradient fan-in gives the bits of
// the separate buffer + add (gradients, losses), on every ISA and thread count.
TEST(graph_conv_input_gradients_added_in_place_give_the_fan_buffer_bits) {
  struct Variant {
    size_t k, stride, groups;
    ConvAlgo algo;
    ConvAlgo runs;  // the input-gradient path of the first conv
  };
  const Variant variants[] = {
      {3, 1, 1, ConvAlgo::automatic, ConvAlgo::winograd}, {3, 1, 1, ConvAlgo::direct, ConvAlgo::direct},
      {3, 1, 1, ConvAlgo::im2col, ConvAlgo::im2col},      {3, 2, 1, ConvAlgo::automatic, ConvAlgo::direct},
      {3, 2, 1, ConvAlgo::im2col, ConvAlgo::im2col},      {1, 1, 1, ConvAlgo::automatic, ConvAlgo::im2col},
      {3, 1, 16, ConvAlgo::automatic, ConvAlgo::depthwise},
  };
  TrainBatch batch(FanNet::kIn, 23);
  const size_t rows = TrainBatch::kRows;
  const std::vector<float> params = testing::random_floats(FanNet::kParams, 29);
  for (const Variant& v : variants) {
    const FanNet net(v.k, v.stride, v.groups);
    on_every_isa_and_thread_count([&] {
      conv2d_force_algorithm(v.algo);
      Conv2dShape s;
      s.batch = rows, s.in_h = s.in_w = 6, s.in_c = s.out_c = 16, s.kh = s.kw = v.k, s.stride_h = s.stride_w = v.stride;
      s.pad_top = s.pad_bottom = s.pad_left = s.pad_right = v.k / 2, s.groups = v.groups;
      CHECK(conv2d_input_algorithm(s) == v.runs);
      std::vector<float> out[2];
      for (bool fuse : {false, true}) {
        GraphPlan plan(net.slots, net.ops, ArenaSizes{FanNet::kParams, 0}, 1, false, false, fuse);
        CHECK(plan.added_in_place_count() == (fuse ? 1u : 0u));
        out[fuse] = two_steps(plan, params, batch);
      }
      size_t nonzero = 0;  // the first convolution's weights get gradients (through the fan-in)
      for (size_t i = 0; i < 256; ++i) nonzero += out[1][i] != 0.0f;
      CHECK(nonzero > 200);
      CHECK(out[0].size() == out[1].size() && std::memcmp(out[0].data(), out[1].data(), out[0].size() * sizeof(float)) == 0);
      conv2d_force_algorithm(ConvAlgo::automatic);
    });
  }
}

namespace {

// A residual block's conv1 -> BN -> ReLU -> conv2 (the BatchNorm + ReLU +
// Conv2D fusion, graph_fusion.h): input [7, 5, 16] -> conv 3x3 same, 16
// filters (s1) -> bn (s2) -> relu (s3) -> conv 3x3 same, 16 filters, bias
// (s4: partial Winograd tiles of both sizes, borders) -> flatten (s5) ->
// dense 3 (s6) -> softmax (s7).
struct BnConvNet {
  static constexpr size_t kIn = 7 * 5 * 16, kParams = 2304 + 32 + 2320 + 1683, kBuffers = 33;
  std::vector<Shape> slots = {Shape{7, 5, 16}, Shape{7, 5, 16}, Shape{7, 5, 16}, Shape{7, 5, 16}, Shape{7, 5, 16},
                              vec(kIn),        vec(3),          vec(3)};
  std::vector<OpDesc> ops;
  BnConvNet() {
    const std::map<std::string, double> conv = {{"outC", 16}, {"kh", 3}, {"kw", 3}, {"pt", 1}, {"pb", 1}, {"pl", 1}, {"pr", 1}};
    std::map<std::string, double> conv1 = conv, conv2 = conv;
    conv1["w"] = 0, conv2["w"] = 2336, conv2["b"] = 4640;
    ops = {
        op(kOpConv2d, {0}, 1, conv1),
        op(kOpBatchNorm, {1}, 2, {{"c", 16}, {"eps", 1e-5}, {"momentum", 0.1}, {"gamma", 2304}, {"beta", 2320}, {"mean", 0}, {"var", 16}, {"nbt", 32}}),
        op(kOpActivation, {2}, 3, {{"act", kActRelu}}),
        op(kOpConv2d, {3}, 4, conv2),
        op(kOpFlatten, {4}, 5, {}),
        op(kOpDense, {5}, 6, {{"in", static_cast<double>(kIn)}, {"out", 3}, {"act", kActLinear}, {"w", 4656}, {"b", 6336}}),
        op(kOpActivation, {6}, 7, {{"act", kActSoftmax}}),
    };
  }
  static std::vector<float> buffers() {
    std::vector<float> b(kBuffers, 0.0f);
    for (size_t i = 16; i < 32; ++i) b[i] = 1.0f;
    return b;
  }
};

}  // namespace

// The BatchNorm + ReLU + Conv2D fusion gives the unfused plan's bits
// (gradients, running statistics, losses, evaluation) on every ISA and
// thread count, each Winograd tile forced; with the algorithm forced to
// im2col or direct at the build it does not apply (the BatchNorm + ReLU
// fusion still does); forced after the build, its fallback (the BatchNorm
// + ReLU output stored to scratch) gives the same bits. conv1 hands the
// BatchNorm its statistics (handed_stats.h) in both. Its gradients
// match central differences of the training-mode loss.
TEST(graph_batchnorm_relu_conv_fusion_gives_the_unfused_bits_and_finite_difference_gradients) {
  const BnConvNet net;
  TrainBatch batch(BnConvNet::kIn, 61);
  const size_t rows = TrainBatch::kRows;
  std::vector<float> params = testing::random_floats(BnConvNet::kParams, 67);
  for (size_t i = 0; i < 4656; ++i) params[i] *= 0.3f;  // moderate activations and logits
  for (size_t i = 4656; i < BnConvNet::kParams; ++i) params[i] *= 0.05f;
  // An unfused plan's, a fused plan's outputs: gradients, buffers, predictions, losses.
  auto run = [&](GraphPlan& plan) {
    std::vector<float> grads(BnConvNet::kParams, 99.0f), buffers = BnConvNet::buffers(), pred(rows * 3);
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
  };
  auto same = [](const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
  };
  const ArenaSizes sizes{BnConvNet::kParams, BnConvNet::kBuffers};
  for (size_t tile : {0, 2, 4})
    on_every_isa_and_thread_count([&] {
      winograd_force_tile(tile);
      GraphPlan unfused(net.slots, net.ops, sizes, 1, true, false, false);
      GraphPlan fused(net.slots, net.ops, sizes, 1, true, false, true);
      CHECK(fused.fused_count() == 2u);  // the ReLU into the BatchNorm, that into the second conv
      CHECK(fused.handed_stats_count() == 1u && unfused.handed_stats_count() == 0u);  // conv1 hands BN its statistics
      const std::vector<float> want = run(unfused);
      CHECK(same(run(fused), want));
      // The algorithm forced after the build: the fused op's fallback.
      for (ConvAlgo algo : {ConvAlgo::im2col, ConvAlgo::direct}) {
        conv2d_force_algorithm(algo);
        GraphPlan plain(net.slots, net.ops, sizes, 1, true, false, false);
        GraphPlan late(net.slots, net.ops, sizes, 1, true, false, true);
        CHECK(late.fused_count() == 1u);  // forced at the build: the BatchNorm + ReLU only
        CHECK(late.handed_stats_count() == 1u);  // conv1 (not Winograd: after its pass) still hands them over
        const std::vector<float> forced = run(plain);
        CHECK(same(run(late), forced));
        CHECK(same(run(fused), forced));
        conv2d_force_algorithm(ConvAlgo::automatic);
      }
      winograd_force_tile(0);
    });
  // Finite differences of the training-mode loss on the fused plan (h small:
  // ReLU kinks): the BatchNorm's gamma and beta, weights of both convolutions, the bias.
  GraphPlan plan(net.slots, net.ops, sizes, 1, true, false, true);
  std::vector<float> g(BnConvNet::kParams), scratch(BnConvNet::kParams), buffers = BnConvNet::buffers();
  plan.bind(params.data(), g.data(), buffers.data());
  plan.reserve(rows);
  plan.train_step(batch.src, batch.opt, false);
  plan.bind(params.data(), scratch.data(), buffers.data());
  std::vector<size_t> picked = {500, 1500, 3000, 4000};
  for (size_t i = 0; i < 10; ++i) picked.push_back(i), picked.push_back(2336 + i);  // both convolutions' weights
  for (size_t i = 2304; i < 2336; ++i) picked.push_back(i);                          // gamma, beta
  for (size_t i = 4640; i < 4656; ++i) picked.push_back(i);                          // conv2's bias
  size_t nonzero = 0;
  for (size_t i : picked) {
    nonzero += g[i] != 0.0f;
    const float v = params[i], hi = v + 5e-4f, lo = v - 5e-4f;
    params[i] = hi;
    const double up = plan.train_step(batch.src, batch.opt, false).sum / rows;
    params[i] = lo;
    const double down = plan.train_step(batch.src, batch.opt, false).sum / rows;
    params[i] = v;
    CHECK_NEAR(g[i], (up - down) / (static_cast<double>(hi) - lo), 3e-3);
  }
  CHECK(nonzero > 50);
}

namespace {

// A ResNet basic block behind a stem (the BatchNorm statistics handed over
// by convolutions and their dx passes left to them, handed_stats.h): input
// [7, 5, 16] -> conv0 (s1) -> bn0 (s2) -> relu (s3) -> conv1 (s4) -> bn1 (s5)
// -> relu (s6) -> conv2 (s7) -> bn2 (s8) -> add s8 + s3 (s9) -> relu (s10) ->
// flatten (s11) -> dense 3 (s12) -> softmax (s13). Fused: bn0 + relu (linked
// to conv0, a Conv2D), bn1 + relu + conv2 (its BatchNorm linked to conv1),
// bn2 + add + relu (linked to that fused conv2).
struct BlockNet {
  static constexpr size_t kIn = 7 * 5 * 16, kParams = 8691, kBuffers = 99;
  std::vector<Shape> slots;
  std::vector<OpDesc> ops;
  BlockNet() {
    for (int i = 0; i < 11; ++i) slots.push_back(Shape{7, 5, 16});
    slots.push_back(vec(kIn)), slots.push_back(vec(3)), slots.push_back(vec(3));
    auto conv = [](double w) {
      return std::map<std::string, double>{{"outC", 16}, {"kh", 3}, {"kw", 3}, {"pt", 1}, {"pb", 1}, {"pl", 1}, {"pr", 1}, {"w", w}};
    };
    auto bn = [](double gamma, double mean) {
      return std::map<std::string, double>{{"c", 16}, {"eps", 1e-5}, {"momentum", 0.1}, {"gamma", gamma}, {"beta", gamma + 16},
                                           {"mean", mean}, {"var", mean + 16}, {"nbt", mean + 32}};
    };
    ops = {
        op(kOpConv2d, {0}, 1, conv(0)),         op(kOpBatchNorm, {1}, 2, bn(2304, 0)),
        op(kOpActivation, {2}, 3, {{"act", kActRelu}}),
        op(kOpConv2d, {3}, 4, conv(2336)),      op(kOpBatchNorm, {4}, 5, bn(4640, 33)),
        op(kOpActivation, {5}, 6, {{"act", kActRelu}}),
        op(kOpConv2d, {6}, 7, conv(4672)),      op(kOpBatchNorm, {7}, 8, bn(6976, 66)),
        op(kOpAdd, {8, 3}, 9, {}),              op(kOpActivation, {9}, 10, {{"act", kActRelu}}),
        op(kOpFlatten, {10}, 11, {}),
        op(kOpDense, {11}, 12, {{"in", static_cast<double>(kIn)}, {"out", 3}, {"act", kActLinear}, {"w", 7008}, {"b", 8688}}),
        op(kOpActivation, {12}, 13, {{"act", kActSoftmax}}),
    };
  }
  static std::vector<float> buffers() {
    std::vector<float> b(kBuffers, 0.0f);
    for (size_t base : {16, 49, 82})
      for (size_t i = 0; i < 16; ++i) b[base + i] = 1.0f;
    return b;
  }
};

}  // namespace

// The handed-over BatchNorm passes (statistics taken by the conv writing a
// BatchNorm's input, the BatchNorm + ReLU + Conv2D's sums, the dx passes
// left to the conv's filter gradient) in a residual block: the fused plan
// (3 links) gives the unfused plan's bits (gradients, running statistics,
// losses, evaluation) on every ISA and thread count, each Winograd tile
// forced, and with the algorithm forced off Winograd after the build.
TEST(graph_handed_batchnorm_passes_in_a_residual_block_give_the_unfused_bits) {
  const BlockNet net;
  TrainBatch batch(BlockNet::kIn, 71);
  const size_t rows = TrainBatch::kRows;
  std::vector<float> params = testing::random_floats(BlockNet::kParams, 73);
  for (size_t i = 0; i < 7008; ++i) params[i] *= 0.3f;
  for (size_t i = 7008; i < BlockNet::kParams; ++i) params[i] *= 0.05f;
  auto run = [&](GraphPlan& plan) {
    std::vector<float> grads(BlockNet::kParams, 99.0f), buffers = BlockNet::buffers(), pred(rows * 3);
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
  };
  auto same = [](const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
  };
  size_t nonzero = 0;
  const ArenaSizes sizes{BlockNet::kParams, BlockNet::kBuffers};
  for (size_t tile : {0, 2, 4})
    on_every_isa_and_thread_count([&] {
      winograd_force_tile(tile);
      GraphPlan unfused(net.slots, net.ops, sizes, 1, true, false, false);
      GraphPlan fused(net.slots, net.ops, sizes, 1, true, false, true);
      CHECK(fused.handed_stats_count() == 3u && unfused.handed_stats_count() == 0u);
      const std::vector<float> want = run(unfused);
      for (size_t i = 0; i < 7008; ++i) nonzero += want[i] != 0.0f;
      CHECK(same(run(fused), want));
      conv2d_force_algorithm(ConvAlgo::im2col);  // after the build: every pass off Winograd
      GraphPlan plain(net.slots, net.ops, sizes, 1, true, false, false);
      CHECK(same(run(fused), run(plain)));
      conv2d_force_algorithm(ConvAlgo::automatic);
      winograd_force_tile(0);
    });
  CHECK(nonzero > 1000);  // the three convolutions' gradients are not all zero
}

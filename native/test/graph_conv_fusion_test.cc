// Graph plans with convolutions on every ISA and on 1 and 2 threads: the
// Conv2D(relu) + MaxPool2D and BatchNorm + ReLU + Conv2D fusions, the
// convolutions' in-place input-gradient fan-in and the BatchNorm passes
// handed over by convolutions give the unfused plan's bits.
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "../src/kernels/conv/conv2d.h"
#include "../src/kernels/conv/conv_winograd_path.h"
#include "graph_test_util.h"

using namespace simdtrain;
using namespace simdtrain::graph;
using namespace simdtrain::graph_test;

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
    CHECK(same_bits(out[0], out[1]));
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
      CHECK(same_bits(out[0], out[1]));
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
  // An unfused plan's, a fused plan's outputs (plan_outcome).
  auto run = [&](GraphPlan& plan) { return plan_outcome(plan, params, BnConvNet::buffers(), batch); };
  const ArenaSizes sizes{BnConvNet::kParams, BnConvNet::kBuffers};
  for (size_t tile : {0, 2, 4})
    on_every_isa_and_thread_count([&] {
      winograd_force_tile(tile);
      GraphPlan unfused(net.slots, net.ops, sizes, 1, true, false, false);
      GraphPlan fused(net.slots, net.ops, sizes, 1, true, false, true);
      CHECK(fused.fused_count() == 2u);  // the ReLU into the BatchNorm, that into the second conv
      CHECK(fused.handed_stats_count() == 1u && unfused.handed_stats_count() == 0u);  // conv1 hands BN its statistics
      const std::vector<float> want = run(unfused);
      CHECK(same_bits(run(fused), want));
      // The algorithm forced after the build: the fused op's fallback.
      for (ConvAlgo algo : {ConvAlgo::im2col, ConvAlgo::direct}) {
        conv2d_force_algorithm(algo);
        GraphPlan plain(net.slots, net.ops, sizes, 1, true, false, false);
        GraphPlan late(net.slots, net.ops, sizes, 1, true, false, true);
        CHECK(late.fused_count() == 1u);  // forced at the build: the BatchNorm + ReLU only
        CHECK(late.handed_stats_count() == 1u);  // conv1 (not Winograd: after its pass) still hands them over
        const std::vector<float> forced = run(plain);
        CHECK(same_bits(run(late), forced));
        CHECK(same_bits(run(fused), forced));
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
  std::vector<float> params = testing::random_floats(BlockNet::kParams, 73);
  for (size_t i = 0; i < 7008; ++i) params[i] *= 0.3f;
  for (size_t i = 7008; i < BlockNet::kParams; ++i) params[i] *= 0.05f;
  auto run = [&](GraphPlan& plan) { return plan_outcome(plan, params, BlockNet::buffers(), batch); };
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
      CHECK(same_bits(run(fused), want));
      conv2d_force_algorithm(ConvAlgo::im2col);  // after the build: every pass off Winograd
      GraphPlan plain(net.slots, net.ops, sizes, 1, true, false, false);
      CHECK(same_bits(run(fused), run(plain)));
      conv2d_force_algorithm(ConvAlgo::automatic);
      winograd_force_tile(0);
    });
  CHECK(nonzero > 1000);  // the three convolutions' gradients are not all zero
}

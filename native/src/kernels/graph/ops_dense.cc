// Dense: y = act(x W + b), x [B, I] (any input shape, read as I = h*w*c
// features), W [I, O] row-major in the parameter arena, b [O].
// Attributes: in, out, act (ActCode), alpha (leakyRelu), w (offset of W),
// b (offset of b, -1 = no bias), prec (1: bf16 GEMMs, bf16 inputs and fp32
// sums; also for a training step whose StepCtx::bf16 is set).
//
// Forward:  Z = X W + b (GEMM, bias in its epilogue; ReLU too when Z need not
//           be kept), A = act(Z).
// Backward: dZ = dA * act'(Z, A) (in place in dA); db = colsum(dZ);
//           dW = X^T dZ; dX = dZ W^T.
#include <cstring>

#include "../nn/nn_gemm.h"
#include "../nn/nn_ops.h"
#include "graph_ops.h"

namespace simdtrain {
namespace graph {
namespace {

class DenseOp : public Op {
 public:
  DenseOp(std::vector<Shape> in, Shape out, int act, float alpha, size_t w, long long b, bool bf16)
      : Op(std::move(in), out), act_(act), alpha_(alpha), w_(w), b_(b), bf16_(bf16) {}

  // Z is kept apart from A only when act' needs it (leakyRelu, gelu).
  size_t saved_per_row() const override { return act_needs_input(act_) ? out_.c : 0; }

  // Z [rows, O] = X [rows, I] W [I, O] + b; A = act(Z)
  void forward(const StepCtx& ctx, const float* const* x, float* y, float* saved) override {
    const size_t in = in_[0].size(), out = out_.c;
    float* z = saved ? saved : y;
    GemmArgs g;
    g.precision = precision(ctx);
    g.m = ctx.rows, g.n = out, g.k = in;
    g.a = x[0], g.lda = in;
    g.b = ctx.params + w_, g.ldb = out;
    g.c = z, g.ldc = out;
    g.epilogue.bias = b_ >= 0 ? ctx.params + b_ : nullptr;
    if (act_ == kActRelu) g.epilogue.activation = Activation::relu;  // fused into the store
    sgemm(g);
    if (act_ != kActLinear && act_ != kActRelu) nn_bias_act(ctx.rows, out, z, nullptr, y, act_, alpha_);
  }

  void backward(const StepCtx& ctx, const float* const* x, const float* y, const float* saved, float* dy,
                float* const* dx) override {
    const size_t in = in_[0].size(), out = out_.c, rows = ctx.rows;
    // dZ = dA * act'(Z, A), in place
    if (act_ != kActLinear) nn_act_backward(rows, out, saved, y, dy, dy, act_, alpha_);
    if (b_ >= 0) nn_col_sums(rows, out, dy, ctx.grads + b_, ctx.accumulate);
    GemmArgs gw;  // dW [I, O] = X^T [I, B] . dZ [B, O]
    gw.precision = precision(ctx);
    gw.trans_a = true;
    gw.m = in, gw.n = out, gw.k = rows;
    gw.a = x[0], gw.lda = in;
    gw.b = dy, gw.ldb = out;
    gw.beta = ctx.accumulate ? 1.0f : 0.0f;
    gw.c = ctx.grads + w_, gw.ldc = out;
    sgemm(gw);
    if (!dx[0]) return;
    GemmArgs gx;  // dX [B, I] = dZ [B, O] . W^T [O, I]
    gx.precision = precision(ctx);
    gx.trans_b = true;
    gx.m = rows, gx.n = in, gx.k = out;
    gx.a = dy, gx.lda = out;
    gx.b = ctx.params + w_, gx.ldb = out;
    gx.c = dx[0], gx.ldc = in;
    sgemm(gx);
  }

 private:
  Precision precision(const StepCtx& ctx) const { return bf16_ || ctx.bf16 ? Precision::bf16 : Precision::fp32; }

  int act_;
  float alpha_;
  size_t w_;
  long long b_;
  bool bf16_;
};

}  // namespace

std::unique_ptr<Op> make_dense(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes& sizes) {
  if (inputs.size() != 1) d.fail("Dense takes one input");
  const size_t in = static_cast<size_t>(d.integer("in", 1, 1 << 30));
  const size_t out = static_cast<size_t>(d.integer("out", 1, 1 << 30));
  if (inputs[0].size() != in) d.fail("input has " + std::to_string(inputs[0].size()) + " features, the layer expects " + std::to_string(in));
  const int act = static_cast<int>(d.integer("act", 0, kActCount - 1));
  if (act == kActSoftmax) d.fail("softmax is its own Activation op after Dense");
  const size_t w = static_cast<size_t>(d.integer("w", 0, INT64_MAX / 2));
  const long long b = d.integer_or("b", -1, INT64_MAX / 2, -1);
  require_range(d, "W", w, in * out, sizes.params);
  if (b >= 0) require_range(d, "b", static_cast<size_t>(b), out, sizes.params);
  Shape o;
  o.c = out;
  const bool bf16 = d.integer_or("prec", 0, 1, 0) == 1;
  return std::make_unique<DenseOp>(inputs, o, act, static_cast<float>(d.number_or("alpha", 0.0)), w, b, bf16);
}

}  // namespace graph
}  // namespace simdtrain

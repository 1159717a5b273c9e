// Conv2d over the kernels' NHWC convolution (kernels/conv/conv2d.h):
//   x [B, H, W, C] -> y [B, OH, OW, O], W [kh, kw, C/groups, O], b [O].
// Attributes: outC, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups, act
// (ActCode), alpha, w, b (-1 = no bias), prec (1: bf16 GEMMs through
// im2col; also for a training step whose StepCtx::bf16 is set).
// Forward:  Z = conv(x, W) + b (ReLU fused into the GEMM store); y = act(Z).
// Backward: dZ = dy * act'(Z, y) in place (with the bias gradient db when
// both are there, one pass); dx, dW (and db otherwise) by conv2d_backward,
// dx added to the input's gradient when the plan asks (adds_dx).
// A linear Conv2D read by a BatchNorm takes that BatchNorm's training
// statistics as it writes y when the plan links them (handed_stats.h).
#include "../conv/conv2d.h"
#include "../nn/nn_ops.h"
#include "conv_descs.h"
#include "graph_ops.h"
#include "handed_stats.h"

namespace simdtrain {
namespace graph {
namespace {

class Conv2dOp : public Op {
 public:
  Conv2dOp(std::vector<Shape> in, Shape out, Conv2dShape s, int act, float alpha, size_t w, long long b)
      : Op(std::move(in), out), s_(s), act_(act), alpha_(alpha), w_(w), b_(b) {}

  // Z kept apart only when act' needs it (leakyRelu, gelu).
  size_t saved_per_row() const override { return act_needs_input(act_) ? out_.size() : 0; }
  size_t scratch_floats(size_t rows) const override { return conv2d_workspace_floats(shape(rows)); }
  bool adds_dx() const override { return true; }
  bool gives_stats() const override { return act_ == kActLinear; }

  void forward(const StepCtx& ctx, const float* const* x, float* y, float* saved) override {
    float* z = saved ? saved : y;
    const float* bias = b_ >= 0 ? ctx.params + b_ : nullptr;
    ConvRowBlocks blocks{};
    const bool give = out_stats_ && ctx.training && act_ == kActLinear;
    if (give) blocks = stats_blocks(*out_stats_, y, ctx.rows * out_.h * out_.w, out_.c);
    else if (out_stats_) out_stats_->ready = false;
    conv2d_forward(shape(ctx), x[0], ctx.params + w_, bias, act_ == kActRelu ? Activation::relu : Activation::none, z,
                   ctx.scratch, give ? &blocks : nullptr);
    if (give) out_stats_->ready = true;
    if (act_ != kActLinear && act_ != kActRelu) nn_bias_act(ctx.rows * out_.h * out_.w, out_.c, z, nullptr, y, act_, alpha_);
  }

  // With an activation and a bias, dZ and the bias gradient come from one pass.
  void backward(const StepCtx& ctx, const float* const* x, const float* y, const float* saved, float* dy,
                float* const* dx) override {
    const size_t rows = ctx.rows * out_.h * out_.w;
    float* db = b_ >= 0 ? ctx.grads + b_ : nullptr;
    if (act_ != kActLinear && db) {
      nn_act_backward_col_sums(rows, out_.c, saved, y, dy, dy, act_, alpha_, db, ctx.accumulate);
      db = nullptr;
    } else if (act_ != kActLinear) {
      nn_act_backward(rows, out_.c, saved, y, dy, dy, act_, alpha_);
    }
    bool given = false;  // dy written block by block by the linked BatchNorm's dx pass (handed_stats.h)
    const ConvRowBlocks dy_blocks = dx_blocks(out_stats_.get(), dy, rows, &given);
    conv2d_backward(shape(ctx), x[0], ctx.params + w_, dy, dx[0], ctx.grads + w_, db, ctx.accumulate, ctx.scratch,
                    ctx.add_dx && ctx.add_dx[0], given ? &dy_blocks : nullptr);
    done_dx(out_stats_.get());
  }

 private:
  Conv2dShape shape(size_t rows) const {
    Conv2dShape s = s_;
    s.batch = rows;
    return s;
  }
  // The workspace (conv2d_workspace_floats) covers every path, im2col included.
  Conv2dShape shape(const StepCtx& ctx) const {
    Conv2dShape s = shape(ctx.rows);
    if (ctx.bf16) s.precision = Precision::bf16;
    return s;
  }

  Conv2dShape s_;
  int act_;
  float alpha_;
  size_t w_;
  long long b_;
};

}  // namespace

Conv2dDesc read_conv2d(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes& sizes) {
  if (inputs.size() != 1) d.fail("Conv2D takes one input");
  const Shape& in = inputs[0];
  Conv2dDesc c;
  Conv2dShape& s = c.shape;
  s.batch = 1, s.in_h = in.h, s.in_w = in.w, s.in_c = in.c;
  const int64_t big = 1 << 20;
  s.out_c = static_cast<size_t>(d.integer("outC", 1, big));
  s.kh = static_cast<size_t>(d.integer("kh", 1, big)), s.kw = static_cast<size_t>(d.integer("kw", 1, big));
  s.stride_h = static_cast<size_t>(d.integer_or("sh", 1, big, 1)), s.stride_w = static_cast<size_t>(d.integer_or("sw", 1, big, 1));
  s.pad_top = static_cast<size_t>(d.integer_or("pt", 0, big, 0)), s.pad_bottom = static_cast<size_t>(d.integer_or("pb", 0, big, 0));
  s.pad_left = static_cast<size_t>(d.integer_or("pl", 0, big, 0)), s.pad_right = static_cast<size_t>(d.integer_or("pr", 0, big, 0));
  s.dil_h = static_cast<size_t>(d.integer_or("dh", 1, big, 1)), s.dil_w = static_cast<size_t>(d.integer_or("dw", 1, big, 1));
  s.groups = static_cast<size_t>(d.integer_or("groups", 1, big, 1));
  if (d.integer_or("prec", 0, 1, 0) == 1) s.precision = Precision::bf16;
  if (const char* err = conv2d_check(s)) d.fail(std::string("input ") + in.str() + ": " + err);
  c.act = static_cast<int>(d.integer_or("act", 0, kActCount - 1, kActLinear));
  if (c.act == kActSoftmax) d.fail("softmax is its own Activation op");
  c.w = static_cast<size_t>(d.integer("w", 0, INT64_MAX / 2));
  c.b = d.integer_or("b", -1, INT64_MAX / 2, -1);
  require_range(d, "W", c.w, s.w_size(), sizes.params);
  if (c.b >= 0) require_range(d, "b", static_cast<size_t>(c.b), s.out_c, sizes.params);
  c.alpha = static_cast<float>(d.number_or("alpha", 0.0));
  return c;
}

std::unique_ptr<Op> make_conv2d(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes& sizes) {
  const Conv2dDesc c = read_conv2d(d, inputs, sizes);
  const Conv2dShape& s = c.shape;
  return std::make_unique<Conv2dOp>(inputs, Shape{s.out_h(), s.out_w(), s.out_c}, s, c.act, c.alpha, c.w, c.b);
}

}  // namespace graph
}  // namespace simdtrain

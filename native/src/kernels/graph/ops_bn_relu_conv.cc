// BatchNorm + ReLU + Conv2D (the fusion graph_fusion.h picks when a
// BatchNorm fused with its ReLU has one reader, a linear Conv2D whose
// forward and filter gradient both run Winograd when the plan is built: a
// residual block's conv1 -> BN1 -> ReLU -> conv2). Runs at the Conv2D's
// place, input x = the BatchNorm's input.
// Forward: the BatchNorm's statistics and its ReLU's affine only (training:
// batch statistics, running ones updated; evaluation: running ones), then
// the convolution with that affine and ReLU as its input pre-op (conv2d.h
// ConvInputAffine): the BatchNorm + ReLU output is never stored.
// Backward: the conv's filter gradient with the same pre-op, its input
// gradient to the BatchNorm's input gradient buffer (the BatchNorm's sums
// of each block taken as it is written: conv2d.h's ConvRowBlocks), then the
// BatchNorm + ReLU backward (which recomputes the ReLU mask from x) from it,
// its dx pass in place. Where a pass would not run Winograd at run
// time (a bf16 step, an algorithm forced after the build), the BatchNorm +
// ReLU output is written to scratch and the conv reads it. Either way the
// unfused ops' bits. Linked by the plan (handed_stats.h), the BatchNorm takes
// its statistics from the producer of x, and the conv hands its output's
// to the BatchNorm reading it.
#include "../conv/conv2d.h"
#include "../nn/nn_table.h"
#include "../norm/batchnorm.h"
#include "conv_descs.h"
#include "graph_fusion.h"
#include "handed_stats.h"
#include "norm_descs.h"

namespace simdtrain {
namespace graph {
namespace {

class BnReluConvOp : public Op {
 public:
  BnReluConvOp(std::vector<Shape> in, const BatchNormDesc& bn, const Conv2dDesc& conv)
      : Op(std::move(in), Shape{conv.shape.out_h(), conv.shape.out_w(), conv.shape.out_c}), bn_(bn), conv_(conv),
        save_(4 * in_[0].c), eval_(2 * in_[0].c) {}

  // The BatchNorm + ReLU output (fallback) or its gradient (backward), then the conv's workspace.
  size_t scratch_floats(size_t rows) const override { return y_floats(rows) + conv2d_workspace_floats(conv_shape(rows, false)); }
  bool gives_stats() const override { return true; }
  bool takes_stats() const override { return true; }

  void forward(const StepCtx& ctx, const float* const* x, float* y, float*) override {
    const size_t rows = ctx.rows * in_[0].h * in_[0].w, c = in_[0].c;
    ConvInputAffine pre;
    if (ctx.training) {
      batchnorm_forward_train_handed(rows, c, x[0], param(ctx, bn_.gamma), param(ctx, bn_.beta), bn_.eps, bn_.momentum,
                                     ctx.buffers + bn_.mean, ctx.buffers + bn_.var, save_.data(), save_.data() + c, nullptr,
                                     save_.data() + 2 * c, take_stats(in_stats_.get(), x[0], rows, c));
      if (bn_.nbt >= 0) ctx.buffers[bn_.nbt] += 1.0f;
      pre = {save_.data(), save_.data() + 2 * c, save_.data() + 3 * c};
    } else {
      batchnorm_eval_affine(c, param(ctx, bn_.gamma), param(ctx, bn_.beta), ctx.buffers + bn_.var, bn_.eps, eval_.data(),
                            eval_.data() + c);
      pre = {ctx.buffers + bn_.mean, eval_.data(), eval_.data() + c};
    }
    const Conv2dShape s = conv_shape(ctx.rows, ctx.bf16);
    const float* w = ctx.params + conv_.w;
    const float* bias = conv_.b >= 0 ? ctx.params + conv_.b : nullptr;
    float* ws = ctx.scratch + y_floats(ctx.rows);
    ConvRowBlocks blocks{};
    const bool give = out_stats_ && ctx.training;
    if (give) blocks = stats_blocks(*out_stats_, y, ctx.rows * out_.h * out_.w, out_.c);
    else if (out_stats_) out_stats_->ready = false;
    if (conv2d_input_affine_ok(s)) {
      conv2d_forward_affine(s, x[0], pre, w, bias, Activation::none, y, ws, give ? &blocks : nullptr);
    } else {
      batchnorm_relu_apply(rows, c, x[0], pre.shift, pre.scale, pre.bias, ctx.scratch);
      conv2d_forward(s, ctx.scratch, w, bias, Activation::none, y, ws, give ? &blocks : nullptr);
    }
    if (give) out_stats_->ready = true;
  }

  void backward(const StepCtx& ctx, const float* const* x, const float*, const float*, float* dy, float* const* dx) override {
    const size_t rows = ctx.rows * in_[0].h * in_[0].w, c = in_[0].c;
    const ConvInputAffine pre{save_.data(), save_.data() + 2 * c, save_.data() + 3 * c};
    const Conv2dShape s = conv_shape(ctx.rows, ctx.bf16);
    // g: the BatchNorm + ReLU output's gradient, in dx[0] when there (the dx pass then runs in place, element by
    // element); without Winograd, scratch first holds that output.
    float* g = dx[0] ? dx[0] : ctx.scratch;
    float* ws = ctx.scratch + y_floats(ctx.rows);
    float* db = conv_.b >= 0 ? ctx.grads + conv_.b : nullptr;
    bool given = false;  // dy written block by block by the linked BatchNorm's dx pass (handed_stats.h)
    const ConvRowBlocks dy_blocks = dx_blocks(out_stats_.get(), dy, ctx.rows * out_.h * out_.w, &given);
    if (conv2d_input_affine_ok(s)) {
      conv2d_backward_filter_affine(s, x[0], pre, dy, ctx.grads + conv_.w, db, ctx.accumulate, ws,
                                    given ? &dy_blocks : nullptr);
    } else {
      batchnorm_relu_apply(rows, c, x[0], pre.shift, pre.scale, pre.bias, ctx.scratch);
      conv2d_backward_filter(s, ctx.scratch, dy, ctx.grads + conv_.w, db, ctx.accumulate, ws, given ? &dy_blocks : nullptr);
    }
    done_dx(out_stats_.get());
    // The BatchNorm's sums of each block of g taken as the conv writes it (still in cache).
    sums_.resize(batchnorm_grad_sums_floats(rows, c));
    struct Hand {
      size_t c;
      const float *x, *g, *save;
      float* sums;
    } hand{c, x[0], g, save_.data(), sums_.data()};
    const ConvRowBlocks blocks{batchnorm_stats_block_rows(), [](void* p, size_t r0, size_t r1) {
                                 const Hand& h = *static_cast<const Hand*>(p);
                                 batchnorm_block_grad_sums(h.c, h.x, h.g, h.save, h.save + 2 * h.c, r0, r1, h.sums);
                               },
                               &hand};
    conv2d_backward_input(s, ctx.params + conv_.w, dy, g, ws, false, &blocks);
    // Linked, the dx pass is left to x's producer, a convolution, whose filter gradient runs it.
    batchnorm_backward_handed(rows, c, x[0], g, param(ctx, bn_.gamma), save_.data(), save_.data() + c, dx[0],
                              grad(ctx, bn_.gamma), grad(ctx, bn_.beta), ctx.accumulate, save_.data() + 2 * c,
                              sums_.data(), dx[0] ? defer_dx(in_stats_.get()) : nullptr);
  }

 private:
  static const float* param(const StepCtx& ctx, long long off) { return off >= 0 ? ctx.params + off : nullptr; }
  static float* grad(const StepCtx& ctx, long long off) { return off >= 0 ? ctx.grads + off : nullptr; }
  size_t y_floats(size_t rows) const { return rows * in_[0].size(); }
  Conv2dShape conv_shape(size_t rows, bool bf16) const {
    Conv2dShape s = conv_.shape;
    s.batch = rows;
    if (bf16) s.precision = Precision::bf16;
    return s;
  }

  BatchNormDesc bn_;
  Conv2dDesc conv_;
  std::vector<float> save_;  // batch mean, invstd, then the ReLU's scale and bias (the last training forward)
  std::vector<float> eval_;  // the evaluation forward's scale and bias
  std::vector<float> sums_;  // the backward's BatchNorm sums, per block
};

}  // namespace

std::unique_ptr<Op> make_batchnorm_relu_conv(const OpDesc& bn, const OpDesc& conv, const std::vector<Shape>& inputs,
                                             const ArenaSizes& sizes) {
  if (inputs.size() != 1) return nullptr;
  const BatchNormDesc b = read_batchnorm(bn, inputs[0].c, sizes);
  const Conv2dDesc cd = read_conv2d(conv, inputs, sizes);  // the BatchNorm keeps its input's shape
  if (cd.act != kActLinear || !conv2d_input_affine_ok(cd.shape)) return nullptr;
  return std::make_unique<BnReluConvOp>(inputs, b, cd);
}

}  // namespace graph
}  // namespace simdtrain

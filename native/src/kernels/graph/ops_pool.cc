// Pooling over the kernels' NHWC pooling (kernels/conv/pool2d.h).
// MaxPool2d / AvgPool2d: attributes kh, kw, sh, sw, pt, pb, pl, pr
//   (AvgPool2d also countIncludePad, default 1 as PyTorch);
//   x [B, H, W, C] -> y [B, OH, OW, C]. Max's backward recomputes the argmax from x.
// GlobalAvgPool2d: x [B, H, W, C] -> y [B, 1, 1, C] (mean over H*W).
#include "../conv/pool2d.h"
#include "conv_descs.h"
#include "graph_ops.h"

namespace simdtrain {
namespace graph {
namespace {

class Pool2dOp : public Op {
 public:
  Pool2dOp(std::vector<Shape> in, Shape out, Pool2dShape s, bool max, bool count_pad)
      : Op(std::move(in), out), s_(s), max_(max), count_pad_(count_pad) {}

  // y [B, OH, OW, C] = pool(x)
  void forward(const StepCtx& ctx, const float* const* x, float* y, float*) override {
    const Pool2dShape s = shape(ctx.rows);
    if (max_) maxpool2d_forward(s, x[0], y);
    else avgpool2d_forward(s, x[0], y, count_pad_);
  }

  void backward(const StepCtx& ctx, const float* const* x, const float*, const float*, float* dy, float* const* dx) override {
    if (!dx[0]) return;
    const Pool2dShape s = shape(ctx.rows);
    if (max_) maxpool2d_backward(s, x[0], dy, dx[0]);
    else avgpool2d_backward(s, dy, dx[0], count_pad_);
  }

 private:
  Pool2dShape shape(size_t rows) const {
    Pool2dShape s = s_;
    s.batch = rows;
    return s;
  }
  Pool2dShape s_;
  bool max_, count_pad_;
};

class GlobalAvgPoolOp : public Op {
 public:
  explicit GlobalAvgPoolOp(std::vector<Shape> in) : Op(in, Shape{1, 1, in[0].c}) {}

  void forward(const StepCtx& ctx, const float* const* x, float* y, float*) override {
    global_avgpool_forward(ctx.rows, in_[0].h * in_[0].w, out_.c, x[0], y);
  }

  void backward(const StepCtx& ctx, const float* const*, const float*, const float*, float* dy, float* const* dx) override {
    if (dx[0]) global_avgpool_backward(ctx.rows, in_[0].h * in_[0].w, out_.c, dy, dx[0]);
  }
};

std::unique_ptr<Op> make_pool(const OpDesc& d, const std::vector<Shape>& inputs, bool max) {
  const Pool2dShape s = read_pool2d(d, inputs);
  const bool count_pad = d.integer_or("countIncludePad", 0, 1, 1) != 0;
  return std::make_unique<Pool2dOp>(inputs, Shape{s.out_h(), s.out_w(), s.c}, s, max, count_pad);
}

}  // namespace

Pool2dShape read_pool2d(const OpDesc& d, const std::vector<Shape>& inputs) {
  if (inputs.size() != 1) d.fail("pooling takes one input");
  const int64_t big = 1 << 20;
  Pool2dShape s;
  s.batch = 1, s.in_h = inputs[0].h, s.in_w = inputs[0].w, s.c = inputs[0].c;
  s.kh = static_cast<size_t>(d.integer("kh", 1, big)), s.kw = static_cast<size_t>(d.integer("kw", 1, big));
  s.stride_h = static_cast<size_t>(d.integer_or("sh", 1, big, s.kh)), s.stride_w = static_cast<size_t>(d.integer_or("sw", 1, big, s.kw));
  s.pad_top = static_cast<size_t>(d.integer_or("pt", 0, big, 0)), s.pad_bottom = static_cast<size_t>(d.integer_or("pb", 0, big, 0));
  s.pad_left = static_cast<size_t>(d.integer_or("pl", 0, big, 0)), s.pad_right = static_cast<size_t>(d.integer_or("pr", 0, big, 0));
  if (const char* err = pool2d_check(s)) d.fail(std::string("input ") + inputs[0].str() + ": " + err);
  return s;
}

std::unique_ptr<Op> make_maxpool2d(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes&) {
  return make_pool(d, inputs, true);
}

std::unique_ptr<Op> make_avgpool2d(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes&) {
  return make_pool(d, inputs, false);
}

std::unique_ptr<Op> make_global_avgpool2d(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes&) {
  if (inputs.size() != 1) d.fail("GlobalAveragePooling2D takes one input");
  return std::make_unique<GlobalAvgPoolOp>(inputs);
}

}  // namespace graph
}  // namespace simdtrain

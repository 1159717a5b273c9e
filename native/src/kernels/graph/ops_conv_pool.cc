// Conv2D(relu) + MaxPool2D (the fusion graph_fusion.h picks when a ReLU
// Conv2D's only reader is a max pool whose windows tile its output: stride =
// pool size, no padding). Forward: the conv writes relu(z) to scratch, the
// pool keeps its max and a code per pooled value (relu_maxpool.h). Backward:
// one pass writes the conv's dz from the codes and the pooled gradient, with
// the bias gradient, where the unfused ops ran the pool's backward pass (read
// the conv output, write its gradient) and then the ReLU's (read both again,
// write dz). The conv output and its gradient are never kept: the plan
// allocates neither. The unfused ops' bits.
#include "../conv/relu_maxpool.h"
#include "../nn/nn_ops.h"
#include "conv_descs.h"
#include "graph_fusion.h"

namespace simdtrain {
namespace graph {
namespace {

class ConvReluMaxpoolOp : public Op {
 public:
  ConvReluMaxpoolOp(std::vector<Shape> in, const Conv2dDesc& conv, const Pool2dShape& pool)
      : Op(std::move(in), Shape{pool.out_h(), pool.out_w(), pool.c}), conv_(conv), pool_(pool) {}

  // The codes (one float per pooled value).
  size_t saved_per_row() const override { return out_.size(); }
  // The conv output (forward) or its gradient (backward), then the conv's workspace.
  size_t scratch_floats(size_t rows) const override { return z_floats(rows) + conv2d_workspace_floats(conv_shape(rows, false)); }

  void forward(const StepCtx& ctx, const float* const* x, float* y, float* saved) override {
    float* z = ctx.scratch;
    const float* bias = conv_.b >= 0 ? ctx.params + conv_.b : nullptr;
    conv2d_forward(conv_shape(ctx.rows, ctx.bf16), x[0], ctx.params + conv_.w, bias, Activation::relu, z,
                   ctx.scratch + z_floats(ctx.rows));
    relu_maxpool_forward(pool_shape(ctx.rows), z, y, saved);
  }

  void backward(const StepCtx& ctx, const float* const* x, const float*, const float* saved, float* dy,
                float* const* dx) override {
    float* dz = ctx.scratch;
    float* db = conv_.b >= 0 ? ctx.grads + conv_.b : nullptr;
    relu_maxpool_backward(pool_shape(ctx.rows), saved, dy, dz, db, ctx.accumulate);
    conv2d_backward(conv_shape(ctx.rows, ctx.bf16), x[0], ctx.params + conv_.w, dz, dx[0], ctx.grads + conv_.w, nullptr,
                    ctx.accumulate, ctx.scratch + z_floats(ctx.rows));
  }

 private:
  // Rounded up to 16 floats: the workspace after it keeps the scratch's alignment.
  size_t z_floats(size_t rows) const { return (pool_.in_h * pool_.in_w * pool_.c * rows + 15) / 16 * 16; }
  Conv2dShape conv_shape(size_t rows, bool bf16) const {
    Conv2dShape s = conv_.shape;
    s.batch = rows;
    if (bf16) s.precision = Precision::bf16;
    return s;
  }
  Pool2dShape pool_shape(size_t rows) const {
    Pool2dShape s = pool_;
    s.batch = rows;
    return s;
  }

  Conv2dDesc conv_;
  Pool2dShape pool_;
};

}  // namespace

std::unique_ptr<Op> make_conv_relu_maxpool(const OpDesc& conv, const OpDesc& pool, const std::vector<Shape>& inputs,
                                           const ArenaSizes& sizes) {
  const Conv2dDesc c = read_conv2d(conv, inputs, sizes);
  if (c.act != kActRelu) return nullptr;
  const Conv2dShape& s = c.shape;
  const Pool2dShape p = read_pool2d(pool, {Shape{s.out_h(), s.out_w(), s.out_c}});
  if (!relu_maxpool_fits(p)) return nullptr;
  return std::make_unique<ConvReluMaxpoolOp>(inputs, c, p);
}

}  // namespace graph
}  // namespace simdtrain

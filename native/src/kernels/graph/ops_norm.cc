// Normalization ops over kernels/norm.
// BatchNorm (1-D on [B, C], 2-D on NHWC [B, H, W, C]: rows = B*H*W):
//   attributes c, eps, momentum, gamma, beta (-1 = not affine), mean, var
//   (buffer offsets of the running statistics), nbt (buffer offset of
//   num_batches_tracked, counted as a float). Training: batch statistics,
//   running statistics updated; evaluation: running statistics.
//   BatchNorm + ReLU (the fusion graph_fusion.h picks when a ReLU Activation
//   is the only reader): the same op writing relu(y), one pass each way.
//   BatchNorm + Add + ReLU (the fusion when the BatchNorm's only reader is a
//   two-input Add fused with its ReLU): inputs x and the Add's other input
//   (skip), writes relu(y + skip), the BatchNorm output never stored;
//   backward writes the masked gradient to skip's gradient in its sums pass.
// LayerNorm over the last axis (c of NHWC; the features of a vector):
//   attributes d, eps, gamma, beta (-1 = no affine).
#include <vector>

#include "../norm/batchnorm.h"
#include "../norm/layernorm.h"
#include "graph_fusion.h"
#include "graph_ops.h"
#include "handed_stats.h"
#include "norm_descs.h"

namespace simdtrain {
namespace graph {
namespace {

const float* maybe(const float* base, long long off) { return off >= 0 ? base + off : nullptr; }
float* maybe(float* base, long long off) { return off >= 0 ? base + off : nullptr; }

class BatchNormOp : public Op {
 public:
  BatchNormOp(std::vector<Shape> in, float eps, float momentum, long long gamma, long long beta, size_t mean, size_t var, long long nbt,
              bool relu)
      : Op(in, in[0]), eps_(eps), momentum_(momentum), gamma_(gamma), beta_(beta), mean_(mean), var_(var), nbt_(nbt),
        relu_(relu && in.size() == 1), skip_(in.size() == 2), save_((relu_ ? 4 : 2) * in[0].c) {}

  bool takes_stats() const override { return true; }  // the training statistics of x (handed_stats.h)

  // y = gamma * (x - mean) * invstd + beta over rows = B*H*W (relu(y) when fused)
  void forward(const StepCtx& ctx, const float* const* x, float* y, float*) override {
    const size_t rows = ctx.rows * out_.h * out_.w, c = out_.c;
    const float* stats = ctx.training ? take_stats(in_stats_.get(), x[0], rows, c) : nullptr;
    if (skip_ && ctx.training) {
      batchnorm_add_relu_forward_train_handed(rows, c, x[0], x[1], maybe(ctx.params, gamma_), maybe(ctx.params, beta_), eps_,
                                       momentum_, ctx.buffers + mean_, ctx.buffers + var_, save_.data(), save_.data() + c, y,
                                       stats);
      if (nbt_ >= 0) ctx.buffers[nbt_] += 1.0f;
    } else if (skip_) {
      batchnorm_add_relu_forward_eval(rows, c, x[0], x[1], maybe(ctx.params, gamma_), maybe(ctx.params, beta_),
                                      ctx.buffers + mean_, ctx.buffers + var_, eps_, y);
    } else if (ctx.training) {
      batchnorm_forward_train_handed(rows, c, x[0], maybe(ctx.params, gamma_), maybe(ctx.params, beta_), eps_, momentum_,
                                     ctx.buffers + mean_, ctx.buffers + var_, save_.data(), save_.data() + c, y,
                                     relu_ ? save_.data() + 2 * c : nullptr, stats);
      if (nbt_ >= 0) ctx.buffers[nbt_] += 1.0f;
    } else {
      batchnorm_forward_eval(rows, c, x[0], maybe(ctx.params, gamma_), maybe(ctx.params, beta_), ctx.buffers + mean_,
                             ctx.buffers + var_, eps_, y, relu_);
    }
  }

  bool keeps_dy() const override { return !skip_; }  // with skip, the masked gradient may overwrite dy

  void backward(const StepCtx& ctx, const float* const* x, const float* y, const float*, float* dy, float* const* dx) override {
    const size_t rows = ctx.rows * out_.h * out_.w, c = out_.c;
    // Linked (handed_stats.h), the dx pass is left to x's producer, a convolution, whose filter gradient runs it.
    BatchNormDxPass* defer = dx[0] ? defer_dx(in_stats_.get()) : nullptr;
    if (skip_) {
      batchnorm_add_relu_backward_deferred(rows, c, x[0], y, dy, maybe(ctx.params, gamma_), save_.data(), save_.data() + c,
                                           dx[1] ? dx[1] : dy, dx[0], maybe(ctx.grads, gamma_), maybe(ctx.grads, beta_),
                                           ctx.accumulate, defer);
      return;
    }
    batchnorm_backward_handed(rows, c, x[0], dy, maybe(ctx.params, gamma_), save_.data(), save_.data() + c, dx[0],
                              maybe(ctx.grads, gamma_), maybe(ctx.grads, beta_), ctx.accumulate,
                              relu_ ? save_.data() + 2 * c : nullptr, nullptr, defer);
  }

 private:
  float eps_, momentum_;
  long long gamma_, beta_;
  size_t mean_, var_;
  long long nbt_;
  bool relu_;                // y = relu(batchnorm(x)) (the fused ReLU)
  bool skip_;                // y = relu(batchnorm(x) + skip) (the fused Add + ReLU; x[1] is skip)
  std::vector<float> save_;  // batch mean and invstd of the last training forward (then the fused ReLU's scale and bias)
};

class LayerNormOp : public Op {
 public:
  LayerNormOp(std::vector<Shape> in, float eps, long long gamma, long long beta)
      : Op(in, in[0]), eps_(eps), gamma_(gamma), beta_(beta) {}

  size_t saved_per_row() const override { return 2 * out_.h * out_.w; }  // mean and rstd of each normalized row

  void forward(const StepCtx& ctx, const float* const* x, float* y, float* saved) override {
    const size_t rows = ctx.rows * out_.h * out_.w;
    layernorm_forward(rows, out_.c, x[0], maybe(ctx.params, gamma_), maybe(ctx.params, beta_), eps_, saved, saved + rows, y);
  }

  void backward(const StepCtx& ctx, const float* const* x, const float*, const float* saved, float* dy, float* const* dx) override {
    const size_t rows = ctx.rows * out_.h * out_.w;
    layernorm_backward(rows, out_.c, x[0], dy, maybe(ctx.params, gamma_), saved, saved + rows, dx[0], maybe(ctx.grads, gamma_),
                       maybe(ctx.grads, beta_), ctx.accumulate);
  }

 private:
  float eps_;
  long long gamma_, beta_;
};

// With `skip`, the fused BatchNorm + Add + ReLU: inputs x and skip (the Add checked their shapes).
std::unique_ptr<Op> batchnorm_op(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes& sizes, bool relu,
                                 bool skip = false) {
  if (inputs.size() != (skip ? 2u : 1u)) d.fail("BatchNorm takes one input");
  const BatchNormDesc b = read_batchnorm(d, inputs[0].c, sizes);
  return std::make_unique<BatchNormOp>(inputs, b.eps, b.momentum, b.gamma, b.beta, b.mean, b.var, b.nbt, relu);
}

}  // namespace

BatchNormDesc read_batchnorm(const OpDesc& d, size_t c, const ArenaSizes& sizes) {
  if (static_cast<size_t>(d.integer("c", 1, 1 << 30)) != c) d.fail("input has " + std::to_string(c) + " channels, the layer expects " + std::to_string(d.integer("c", 1, 1 << 30)));
  const double eps = d.number("eps"), momentum = d.number("momentum");
  if (!(eps > 0) || momentum < 0 || momentum > 1) d.fail("eps must be > 0 and momentum in [0, 1]");
  BatchNormDesc b;
  b.eps = static_cast<float>(eps), b.momentum = static_cast<float>(momentum);
  b.gamma = d.integer_or("gamma", -1, INT64_MAX / 2, -1), b.beta = d.integer_or("beta", -1, INT64_MAX / 2, -1);
  if (b.gamma >= 0) require_range(d, "gamma", static_cast<size_t>(b.gamma), c, sizes.params);
  if (b.beta >= 0) require_range(d, "beta", static_cast<size_t>(b.beta), c, sizes.params);
  b.mean = static_cast<size_t>(d.integer("mean", 0, INT64_MAX / 2)), b.var = static_cast<size_t>(d.integer("var", 0, INT64_MAX / 2));
  require_range(d, "running_mean", b.mean, c, sizes.buffers);
  require_range(d, "running_var", b.var, c, sizes.buffers);
  b.nbt = d.integer_or("nbt", -1, INT64_MAX / 2, -1);
  if (b.nbt >= 0) require_range(d, "num_batches_tracked", static_cast<size_t>(b.nbt), 1, sizes.buffers);
  return b;
}

std::unique_ptr<Op> make_batchnorm(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes& sizes) {
  return batchnorm_op(d, inputs, sizes, false);
}

std::unique_ptr<Op> make_batchnorm_relu(const OpDesc& d, const OpDesc&, const std::vector<Shape>& inputs, const ArenaSizes& sizes) {
  return batchnorm_op(d, inputs, sizes, true);
}

std::unique_ptr<Op> make_batchnorm_add_relu(const OpDesc& d, const OpDesc& add, const std::vector<Shape>& inputs,
                                            const ArenaSizes& sizes) {
  if (inputs.size() != 2) return nullptr;
  make_add(add, {inputs[0], inputs[1]}, sizes);  // the Add's own checks (the BatchNorm keeps its input's shape)
  return batchnorm_op(d, inputs, sizes, true, true);
}

std::unique_ptr<Op> make_layernorm(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes& sizes) {
  if (inputs.size() != 1) d.fail("LayerNorm takes one input");
  const size_t c = inputs[0].c;
  if (static_cast<size_t>(d.integer("d", 1, 1 << 30)) != c) d.fail("input's last axis has " + std::to_string(c) + " features, the layer expects " + std::to_string(d.integer("d", 1, 1 << 30)));
  const double eps = d.number("eps");
  if (!(eps > 0)) d.fail("eps must be > 0");
  const long long gamma = d.integer_or("gamma", -1, INT64_MAX / 2, -1), beta = d.integer_or("beta", -1, INT64_MAX / 2, -1);
  if (gamma >= 0) require_range(d, "gamma", static_cast<size_t>(gamma), c, sizes.params);
  if (beta >= 0) require_range(d, "beta", static_cast<size_t>(beta), c, sizes.params);
  return std::make_unique<LayerNormOp>(inputs, static_cast<float>(eps), gamma, beta);
}

}  // namespace graph
}  // namespace simdtrain

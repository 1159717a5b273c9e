// Dropout (inverted, kernels/layers/dropout.h): attribute p in [0, 1).
// Training: y = x * mask / (1 - p) with the mask of the Philox stream of
// (plan seed ^ op index, offset = step * 2^32), so a step is reproducible from
// the seed; the backward pass regenerates the same mask. Evaluation: y = x.
#include <cstring>

#include "../layers/dropout.h"
#include "graph_ops.h"

namespace simdtrain {
namespace graph {
namespace {

class DropoutOp : public Op {
 public:
  DropoutOp(std::vector<Shape> in, float p) : Op(in, in[0]), p_(p) {}

  void forward(const StepCtx& ctx, const float* const* x, float* y, float*) override {
    const size_t n = ctx.rows * out_.size();
    if (!ctx.training || p_ == 0.0f) {
      std::memcpy(y, x[0], n * sizeof(float));
      return;
    }
    dropout_forward(n, x[0], p_, stream(ctx), ctx.step << 32, y);
  }

  void backward(const StepCtx& ctx, const float* const*, const float*, const float*, float* dy, float* const* dx) override {
    if (!dx[0]) return;
    const size_t n = ctx.rows * out_.size();
    if (p_ == 0.0f) {
      std::memcpy(dx[0], dy, n * sizeof(float));
      return;
    }
    dropout_backward(n, dy, p_, stream(ctx), ctx.step << 32, dx[0]);
  }

 private:
  static uint64_t stream(const StepCtx& ctx) { return ctx.seed * 0x9E3779B97F4A7C15ull + ctx.op_index; }
  float p_;
};

}  // namespace

std::unique_ptr<Op> make_dropout(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes&) {
  if (inputs.size() != 1) d.fail("Dropout takes one input");
  const double p = d.number("p");
  if (!(p >= 0 && p < 1)) d.fail("p must be in [0, 1)");
  return std::make_unique<DropoutOp>(inputs, static_cast<float>(p));
}

}  // namespace graph
}  // namespace simdtrain

// Activation as its own op: y = act(x) elementwise (softmax: per row over
// all h*w*c features). Attributes: act (ActCode), alpha (leakyRelu slope).
// Backward: dx = dy * act'(x, y) (softmax: y * (dy - sum(dy * y))).
#include "../nn/nn_ops.h"
#include "graph_ops.h"

namespace simdtrain {
namespace graph {
namespace {

class ActivationOp : public Op {
 public:
  ActivationOp(std::vector<Shape> in, int act, float alpha) : Op(in, in[0]), act_(act), alpha_(alpha) {}

  // y [rows, n] = act(x)
  void forward(const StepCtx& ctx, const float* const* x, float* y, float*) override {
    nn_bias_act(ctx.rows, out_.size(), x[0], nullptr, y, act_, alpha_);
  }

  void backward(const StepCtx& ctx, const float* const* x, const float* y, const float*, float* dy, float* const* dx) override {
    if (dx[0]) nn_act_backward(ctx.rows, out_.size(), x[0], y, dy, dx[0], act_, alpha_);
  }

 private:
  int act_;
  float alpha_;
};

}  // namespace

std::unique_ptr<Op> make_activation(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes&) {
  if (inputs.size() != 1) d.fail("Activation takes one input");
  const int act = static_cast<int>(d.integer("act", 0, kActCount - 1));
  return std::make_unique<ActivationOp>(inputs, act, static_cast<float>(d.number_or("alpha", 0.0)));
}

}  // namespace graph
}  // namespace simdtrain

// Add + ReLU (the fusion graph_fusion.h picks when a two-input Add's only
// reader is a ReLU Activation): y = relu(x_0 + x_1) in one pass; backward
// writes dy taken through the ReLU (dy where y > 0, else 0) to both inputs'
// gradients at once, where the unfused ops ran the ReLU's pass and two copies.
#include "../layers/add_relu.h"
#include "graph_fusion.h"

namespace simdtrain {
namespace graph {
namespace {

class AddReluOp : public Op {
 public:
  explicit AddReluOp(std::vector<Shape> in) : Op(in, in[0]) {}
  bool same_input_grads() const override { return true; }

  void forward(const StepCtx& ctx, const float* const* x, float* y, float*) override {
    add_relu(ctx.rows * out_.size(), x[0], x[1], y);
  }

  void backward(const StepCtx& ctx, const float* const*, const float* y, const float*, float* dy, float* const* dx) override {
    relu_grad_split(ctx.rows * out_.size(), y, dy, dx[0], dx[1]);
  }
};

}  // namespace

std::unique_ptr<Op> make_add_relu(const OpDesc& add, const OpDesc&, const std::vector<Shape>& inputs, const ArenaSizes& sizes) {
  if (inputs.size() != 2) return nullptr;  // the fusion covers two inputs; more stay unfused
  make_add(add, inputs, sizes);            // the Add's own checks
  return std::make_unique<AddReluOp>(inputs);
}

}  // namespace graph
}  // namespace simdtrain

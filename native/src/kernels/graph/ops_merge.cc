// Merges of several inputs.
// Add: y = x_0 + x_1 + ... (same shapes); dx_i = dy.
// Concatenate: along channels (NHWC's last axis, PyTorch's dim 1): inputs
//   [h, w, c_i] -> [h, w, sum c_i]; backward splits dy the same way.
#include <cstring>

#include "graph_ops.h"
#include "graph_util.h"

namespace simdtrain {
namespace graph {
namespace {

class AddOp : public Op {
 public:
  explicit AddOp(std::vector<Shape> in) : Op(in, in[0]) {}
  bool same_input_grads() const override { return true; }

  void forward(const StepCtx& ctx, const float* const* x, float* y, float*) override {
    const size_t n = out_.size(), k = in_.size();
    for_rows(ctx.rows * n, k, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) {
        float s = x[0][i];
        for (size_t j = 1; j < k; ++j) s += x[j][i];
        y[i] = s;
      }
    });
  }

  void backward(const StepCtx& ctx, const float* const*, const float*, const float*, float* dy, float* const* dx) override {
    for (size_t j = 0; j < in_.size(); ++j) {
      if (dx[j]) std::memcpy(dx[j], dy, ctx.rows * out_.size() * sizeof(float));
    }
  }
};

class ConcatOp : public Op {
 public:
  ConcatOp(std::vector<Shape> in, Shape out) : Op(std::move(in), out) {}

  // y [rows*h*w, C] <- x_j [rows*h*w, c_j] at channel offset sum_{i<j} c_i
  void forward(const StepCtx& ctx, const float* const* x, float* y, float*) override {
    const size_t pixels = ctx.rows * out_.h * out_.w, C = out_.c;
    for_rows(pixels, C, [&](size_t b, size_t e) {
      for (size_t p = b; p < e; ++p) {
        size_t off = 0;
        for (size_t j = 0; j < in_.size(); ++j) {
          const size_t c = in_[j].c;
          std::memcpy(y + p * C + off, x[j] + p * c, c * sizeof(float));
          off += c;
        }
      }
    });
  }

  void backward(const StepCtx& ctx, const float* const*, const float*, const float*, float* dy, float* const* dx) override {
    const size_t pixels = ctx.rows * out_.h * out_.w, C = out_.c;
    for_rows(pixels, C, [&](size_t b, size_t e) {
      for (size_t p = b; p < e; ++p) {
        size_t off = 0;
        for (size_t j = 0; j < in_.size(); ++j) {
          const size_t c = in_[j].c;
          if (dx[j]) std::memcpy(dx[j] + p * c, dy + p * C + off, c * sizeof(float));
          off += c;
        }
      }
    });
  }
};

}  // namespace

std::unique_ptr<Op> make_add(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes&) {
  if (inputs.size() < 2) d.fail("Add takes at least two inputs");
  for (size_t j = 1; j < inputs.size(); ++j) {
    if (inputs[j] != inputs[0]) d.fail("input " + std::to_string(j) + " has shape " + inputs[j].str() + ", input 0 has " + inputs[0].str());
  }
  return std::make_unique<AddOp>(inputs);
}

std::unique_ptr<Op> make_concat(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes&) {
  if (inputs.size() < 2) d.fail("Concatenate takes at least two inputs");
  Shape o = inputs[0];
  for (size_t j = 1; j < inputs.size(); ++j) {
    if (inputs[j].h != o.h || inputs[j].w != o.w) d.fail("input " + std::to_string(j) + " has spatial size " + inputs[j].str() + ", input 0 has " + inputs[0].str());
    o.c += inputs[j].c;
  }
  return std::make_unique<ConcatOp>(inputs, o);
}

}  // namespace graph
}  // namespace simdtrain

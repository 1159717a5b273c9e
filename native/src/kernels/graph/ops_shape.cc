// Flatten and Reshape: pure layout moves, no parameters.
//
// Flatten: [h, w, c] (NHWC) -> [1, 1, c*h*w]; with attribute nchw = 1 (an
//   image) in PyTorch's NCHW flatten order, so a Dense after Flatten has the
//   weights torch's Linear after nn.Flatten has. Backward is the inverse move.
// Reshape: to the output shape (attributes h, w, c; same element count) in
//   PyTorch's element order; fromNchw / toNchw say which side is an image.
#include <cstring>

#include "graph_ops.h"
#include "graph_util.h"

namespace simdtrain {
namespace graph {
namespace {

// y row = x row in NCHW element order (when from_nchw, the NHWC x is read
// channel-major), written as `out` (when to_nchw, NCHW order -> NHWC).
// Shapes that are not images ([features], [seq, dim]) are already in
// PyTorch's order and move as they are.
class ReshapeOp : public Op {
 public:
  ReshapeOp(std::vector<Shape> in, Shape out, bool from_nchw, bool to_nchw)
      : Op(std::move(in), out), from_nchw_(from_nchw), to_nchw_(to_nchw) {}

  size_t scratch_floats(size_t rows) const override { return from_nchw_ && to_nchw_ ? rows * out_.size() : 0; }

  void forward(const StepCtx& ctx, const float* const* x, float* y, float*) override {
    move(ctx, in_[0], out_, from_nchw_, to_nchw_, x[0], y);
  }

  void backward(const StepCtx& ctx, const float* const*, const float*, const float*, float* dy, float* const* dx) override {
    if (dx[0]) move(ctx, out_, in_[0], to_nchw_, from_nchw_, dy, dx[0]);
  }

 private:
  // src [rows, from] -> dst [rows, to] through the NCHW order.
  static void move(const StepCtx& ctx, const Shape& from, const Shape& to, bool from_nchw, bool to_nchw, const float* src,
                   float* dst) {
    const size_t n = from.size();
    for_rows(ctx.rows, n, [&](size_t b, size_t e) {
      for (size_t r = b; r < e; ++r) {
        const float* s = src + r * n;
        float* d = dst + r * n;
        if (!from_nchw && !to_nchw) {
          std::memcpy(d, s, n * sizeof(float));
        } else if (!to_nchw) {
          nhwc_to_nchw(from, s, d);
        } else if (!from_nchw) {
          nchw_to_nhwc(to, s, d);
        } else {
          float* t = ctx.scratch + r * n;
          nhwc_to_nchw(from, s, t);
          nchw_to_nhwc(to, t, d);
        }
      }
    });
  }

  bool from_nchw_, to_nchw_;
};

}  // namespace

std::unique_ptr<Op> make_flatten(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes&) {
  if (inputs.size() != 1) d.fail("Flatten takes one input");
  Shape o;
  o.c = inputs[0].size();
  return std::make_unique<ReshapeOp>(inputs, o, d.integer_or("nchw", 0, 1, 0) != 0, false);
}

std::unique_ptr<Op> make_reshape(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes&) {
  if (inputs.size() != 1) d.fail("Reshape takes one input");
  Shape o;
  o.h = static_cast<size_t>(d.integer("h", 1, 1 << 30));
  o.w = static_cast<size_t>(d.integer("w", 1, 1 << 30));
  o.c = static_cast<size_t>(d.integer("c", 1, 1 << 30));
  if (o.size() != inputs[0].size()) d.fail("cannot reshape " + std::to_string(inputs[0].size()) + " features to " + o.str());
  return std::make_unique<ReshapeOp>(inputs, o, d.integer_or("fromNchw", 0, 1, 0) != 0, d.integer_or("toNchw", 0, 1, 0) != 0);
}

}  // namespace graph
}  // namespace simdtrain

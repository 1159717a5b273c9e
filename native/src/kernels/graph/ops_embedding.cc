// Embedding over kernels/layers/embedding.h: the input slot holds ids (the
// plan copies integer inputs into it as exact floats), the output is
// [seq, dim] per row. Attributes: vocab, dim, weight (offset of the table
// [vocab, dim] in the parameter arena).
//
// Forward:  y[r, s, :] = W[id(r, s), :]
// Backward: dW[id, :] += dy[r, s, :] (dW zeroed first unless accumulating);
//           ids have no gradient (dx, if asked for, is zero).
// Each id is converted and range-checked here, on the plan's own copy; a
// value that is not an integer in [0, vocab) makes the call throw
// std::out_of_range (the plan checks the input before any op runs, so this is
// a second line that keeps every read in bounds).
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "../layers/embedding.h"
#include "graph_ops.h"

namespace simdtrain {
namespace graph {
namespace {

class EmbeddingOp : public Op {
 public:
  EmbeddingOp(std::vector<Shape> in, Shape out, std::string name, size_t vocab, size_t weight)
      : Op(std::move(in), out), name_(std::move(name)), vocab_(vocab), weight_(weight) {}

  // y [rows, seq, dim] = W[ids]
  void forward(const StepCtx& ctx, const float* const* x, float* y, float*) override {
    const size_t n = ctx.rows * in_[0].size();
    to_ids(n, x[0]);
    check(embedding_forward(n, ids_.data(), vocab_, out_.c, ctx.params + weight_, y));
  }

  void backward(const StepCtx& ctx, const float* const* x, const float*, const float*, float* dy, float* const* dx) override {
    const size_t n = ctx.rows * in_[0].size(), dim = out_.c;
    to_ids(n, x[0]);
    float* dw = ctx.grads + weight_;
    if (!ctx.accumulate) std::memset(dw, 0, vocab_ * dim * sizeof(float));
    check(embedding_backward(n, ids_.data(), vocab_, dim, dy, dw));
    if (dx[0]) std::memset(dx[0], 0, n * sizeof(float));
  }

 private:
  // ids_[i] = x[i] when it is an integer in [0, vocab), else -1 (refused by the kernel).
  void to_ids(size_t n, const float* x) {
    ids_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const float v = x[i];
      ids_[i] = (v >= 0.0f && v < static_cast<float>(vocab_) && std::floor(v) == v) ? static_cast<int32_t>(v) : -1;
    }
  }
  void check(int64_t bad) const {
    if (bad == kEmbeddingOk) return;
    throw std::out_of_range(name_ + ": 'x' has an id outside [0, " + std::to_string(vocab_) + ") at position " + std::to_string(bad));
  }

  std::string name_;
  size_t vocab_, weight_;
  std::vector<int32_t> ids_;
};

}  // namespace

std::unique_ptr<Op> make_embedding(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes& sizes) {
  if (inputs.size() != 1) d.fail("Embedding takes one input");
  const size_t vocab = static_cast<size_t>(d.integer("vocab", 1, int64_t{1} << 24));
  const size_t dim = static_cast<size_t>(d.integer("dim", 1, int64_t{1} << 24));
  const size_t seq = inputs[0].size();
  if (seq > (size_t{1} << 30) / dim) d.fail("output holds more than 2^30 floats");
  const size_t weight = static_cast<size_t>(d.integer("weight", 0, INT64_MAX / 2));
  if (vocab > (size_t{1} << 31) / dim) d.fail("the table holds more than 2^31 floats");
  require_range(d, "weight", weight, vocab * dim, sizes.params);
  Shape out;
  out.h = 1, out.w = seq, out.c = dim;
  return std::make_unique<EmbeddingOp>(inputs, out, d.name, vocab, weight);
}

}  // namespace graph
}  // namespace simdtrain

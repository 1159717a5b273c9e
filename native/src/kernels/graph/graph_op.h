// The training graph's building block: an op is a forward/backward pair that
// reads activation slots and a range of the parameter arena and writes one
// output slot (forward), or the gradients of its inputs and parameters
// (backward). The plan (graph_plan.h) runs the op list forward, then in
// reverse. Ops know nothing about N-API; they are built from an OpDesc by the
// factory registered for their code (graph_registry.cc).
//
// Activations are NHWC per batch row: a slot of shape [h, w, c] holds
// rows * h * w * c floats, channels innermost (a feature vector is [1, 1, c]).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace simdtrain {
struct BatchNormDxPass;  // kernels/norm/batchnorm.h
namespace graph {

// Op codes shared with lib/native_codes.ts (OP_CODES). Append only.
enum OpCode : int {
  kOpDense = 0,
  kOpActivation = 1,
  kOpFlatten = 2,
  kOpReshape = 3,
  kOpAdd = 4,
  kOpConcat = 5,
  kOpConv2d = 6,
  kOpMaxPool2d = 7,
  kOpAvgPool2d = 8,
  kOpGlobalAvgPool2d = 9,
  kOpDropout = 10,
  kOpBatchNorm = 11,
  kOpLayerNorm = 12,
  kOpEmbedding = 13,
  kOpCount
};

// Per-row shape of a slot, NHWC.
struct Shape {
  size_t h = 1, w = 1, c = 1;
  size_t size() const { return h * w * c; }
  bool operator==(const Shape& o) const { return h == o.h && w == o.w && c == o.c; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const;  // "[h, w, c]"
};

// What the addon hands a factory: numeric attributes by name (the TS side's
// op objects, see lib/nn/layers), input slots and the output slot.
struct OpDesc {
  int code = -1;
  std::string name;  // the layer's name, for error messages
  std::vector<int> inputs;
  int output = -1;
  std::map<std::string, double> attrs;

  // The attribute as an integer in [lo, hi]; std::invalid_argument naming it otherwise.
  int64_t integer(const char* key, int64_t lo, int64_t hi) const;
  int64_t integer_or(const char* key, int64_t lo, int64_t hi, int64_t fallback) const;
  // A finite number.
  double number(const char* key) const;
  double number_or(const char* key, double fallback) const;
  bool has(const char* key) const { return attrs.count(key) != 0; }
  [[noreturn]] void fail(const std::string& message) const;  // throws std::invalid_argument
};

// Sizes of the arenas an op may point into (factories check their ranges).
struct ArenaSizes {
  size_t params = 0;   // trainable floats (gradients have the same layout)
  size_t buffers = 0;  // non-trainable state (BatchNorm running statistics)
};

// Everything one forward or backward call of a step sees.
struct StepCtx {
  size_t rows = 0;
  bool training = false;
  bool accumulate = false;  // add parameter gradients instead of overwriting
  const float* params = nullptr;
  float* grads = nullptr;
  float* buffers = nullptr;
  float* scratch = nullptr;  // Op::scratch_floats(rows) floats, not kept between calls
  uint64_t seed = 0;         // random ops (dropout): stream = (seed, step, op index)
  uint64_t step = 0;         // training forward passes so far
  bool bf16 = false;         // fit({ precision: 'bf16' }): Dense/Conv2d GEMMs of a training step in bf16
  size_t op_index = 0;
  // Backward: add_dx[i] != 0 asks to add input i's gradient into dx[i]
  // instead of overwriting it (only of ops whose adds_dx() is true; null: none).
  const uint8_t* add_dx = nullptr;
};

// A BatchNorm's training statistics of its input, taken by the input's
// producer (a convolution) block by block as it writes it (conv2d.h's
// ConvRowBlocks, batchnorm.h's batchnorm_block_stats), and backward the
// BatchNorm's dx pass, which that convolution's filter gradient runs block
// by block as it reads it (batchnorm.h's BatchNormDxPass): the plan links
// the two ops with one of these (graph_plan.h), handed_stats.h fills and
// takes it.
struct HandedStats {
  std::vector<float> stats;
  const float* x = nullptr;  // the tensor they describe, [rows, c]
  size_t rows = 0, c = 0;
  bool ready = false;  // set by the producer's training forward, cleared by the reader
  std::shared_ptr<BatchNormDxPass> dx;  // the reader's backward left it to the producer's, or null
};

class Op {
 public:
  Op(std::vector<Shape> in, Shape out) : in_(std::move(in)), out_(out) {}
  virtual ~Op() = default;

  const std::vector<Shape>& in_shapes() const { return in_; }
  const Shape& out_shape() const { return out_; }

  // Floats per batch row this op keeps from forward for backward (besides
  // its inputs and output, which the plan keeps anyway).
  virtual size_t saved_per_row() const { return 0; }
  // Scratch floats a forward or backward call on `rows` rows needs.
  virtual size_t scratch_floats(size_t rows) const { (void)rows; return 0; }
  // Whether backward reads the inputs' gradient slots only through dx (all
  // ops) and whether it needs dx at all for input i is decided by the plan:
  // dx[i] is null when input i needs no gradient.

  // Whether backward only reads dy (never writes it): the plan may then
  // let dy's buffer be another slot's gradient too (graph_plan.h).
  virtual bool keeps_dy() const { return false; }
  // Whether backward adds an input's gradient into dx when ctx.add_dx asks
  // (its full value added to dx at the store: the bits of dx + the
  // overwritten result), so the plan needs no separate buffer and pass.
  virtual bool adds_dx() const { return false; }
  // Whether every input's gradient is dy itself, taken or not through one
  // shared function (Add, Add + ReLU): the plan may then pass null for an
  // input whose gradient shares another input's buffer.
  virtual bool same_input_grads() const { return false; }
  // Whether the training forward can take its output's BatchNorm
  // statistics as it writes it (gives), or takes input 0's from a
  // HandedStats when its producer filled them (takes); the plan links them.
  virtual bool gives_stats() const { return false; }
  virtual bool takes_stats() const { return false; }
  void link_stats(std::shared_ptr<HandedStats> s, bool output) { (output ? out_stats_ : in_stats_) = std::move(s); }

  // y = f(x); `saved` holds saved_per_row() * rows floats.
  virtual void forward(const StepCtx& ctx, const float* const* x, float* y, float* saved) = 0;
  // Given dy (may be overwritten), writes dx[i] (overwrite, or add where
  // ctx.add_dx asks an op whose adds_dx(); null = not needed) and this op's
  // parameter gradients (add when ctx.accumulate).
  virtual void backward(const StepCtx& ctx, const float* const* x, const float* y, const float* saved, float* dy,
                        float* const* dx) = 0;

 protected:
  std::vector<Shape> in_;
  Shape out_;
  std::shared_ptr<HandedStats> in_stats_, out_stats_;  // null unless linked
};

using OpFactory = std::unique_ptr<Op> (*)(const OpDesc& desc, const std::vector<Shape>& inputs, const ArenaSizes& sizes);

struct OpEntry {
  int code;
  const char* name;
  OpFactory make;
};

// The op registered for `code`, or null.
const OpEntry* find_op(int code);

// Checks that [offset, offset + count) lies in an arena of `size` floats.
void require_range(const OpDesc& desc, const char* what, size_t offset, size_t count, size_t size);

}  // namespace graph
}  // namespace simdtrain

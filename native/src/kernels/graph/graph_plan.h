// The native training plan: an op list over activation slots, bound to the
// caller's parameter, gradient and buffer arenas. One call runs a whole
// training step (gather the batch, forward, fused loss, backward) without
// touching N-API, so the addon runs it on a libuv worker thread.
//
// Slots: slot 0 is the input; op i writes its output slot, which later ops
// read. The last op's output is the model output. Every slot but the output
// is read by some op; a slot read by several ops (a residual fan-out) gets
// the sum of their input gradients.
//
// Shared gradients: an Add's inputs all get dy as their gradient. When one
// input slot A is read by the Add alone, its producer only reads its dy
// (Op::keeps_dy), and another input B's gradient is first written by the
// Add with every other reader of B running its backward after A's producer
// (so nothing adds to B's gradient before A's producer has read it), A's
// gradient is B's buffer: the Add writes it once and passes null for A.
//
// Fan-in of gradients: the first op (in backward order) to produce a slot's
// gradient writes it; a later one writes its part to a buffer the plan then
// adds, or, when the op can (Op::adds_dx) and fusions are on, adds it in
// place at its own store (same bits).
//
// Memory: activations and gradients of every slot for `capacity` rows, the
// ops' saved tensors, and one scratch buffer as large as the largest op's
// need; everything is sized by reserve(rows) from the ops and the batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "../../core/aligned_vector.h"
#include "../nn/nn_ops.h"
#include "graph_op.h"

namespace simdtrain {
namespace graph {

// Where a batch comes from: rows index[start + i] (or start + i) of x
// [n, input] in NCHW order per row. Labels / targets are gathered the same
// way. Indices and labels are re-checked as they are copied (they may live
// in shared memory that changes after validation): a bad one makes the call
// throw std::out_of_range before anything is written.
struct BatchSource {
  const float* x = nullptr;
  const int32_t* ids = nullptr;      // instead of x when the input holds ids (id_input())
  size_t n = 0;                      // rows in x (and labels / targets)
  const int32_t* index = nullptr;
  size_t start = 0;
  size_t rows = 0;
  const int32_t* labels = nullptr;   // [n]
  const float* targets = nullptr;    // [n, output]
};

// Called by backward() on its thread after each op's backward pass with the
// number of ops still to run: ops_left = i after op i, so every parameter
// gradient written only by ops >= ops_left is final (the gradient bucketing
// of simdtrain/distributed starts an all-reduce from here). Must not throw.
struct GradReadyHook {
  void (*ready)(void* ctx, size_t ops_left) = nullptr;
  void* ctx = nullptr;
};

struct LossOptions {
  int loss = kLossMse;
  float scale = 1.0f;           // gradient scale (1 / rows averaged over)
  float label_smoothing = 0.0f;  // softmax cross-entropy with labels only
};

class GraphPlan {
 public:
  // Throws std::invalid_argument naming the op when the list is inconsistent.
  // input_nchw / output_nchw: the API's input / output rows are images in
  // NCHW order (converted to and from the plan's NHWC). fuse: apply the
  // fusions of graph_fusion.h (same bits; false keeps every op as listed).
  GraphPlan(std::vector<Shape> slots, const std::vector<OpDesc>& ops, ArenaSizes sizes, uint64_t seed,
            bool input_nchw = false, bool output_nchw = false, bool fuse = true);

  void bind(float* params, float* grads, float* buffers) { params_ = params, grads_ = grads, buffers_ = buffers; }
  // Grows the buffers to `rows` rows (never shrinks).
  void reserve(size_t rows);

  size_t capacity() const { return capacity_; }
  size_t in_size() const { return slots_[0].size(); }
  size_t out_size() const { return slots_[out_slot_].size(); }
  size_t classes() const { return out_size(); }
  // Whether the input holds ids (every op reading it is an Embedding): then
  // each input value must be an integer in [0, id_limit()), checked on the
  // plan's copy before any op runs.
  bool id_input() const { return id_limit_ != 0; }
  size_t id_limit() const { return id_limit_; }
  // Floats the plan holds now (activations, gradients, saved, scratch).
  size_t memory_floats() const;
  uint64_t step() const { return step_; }

  // Whether the loss consumes the input of the last op (a softmax or sigmoid
  // Activation matching softmax cross-entropy or binary cross-entropy).
  bool fuses_final_act(int loss) const;

  // Copies rows of the source (<= capacity) into the input slot (NCHW ->
  // NHWC), labels and targets into the plan's buffers, checking each.
  void load(const BatchSource& src);
  // Runs ops [begin, end) on the loaded rows; returns the output slot of op end-1.
  const float* forward(size_t rows, bool training, size_t begin, size_t end);
  const float* forward(size_t rows, bool training) { return forward(rows, training, 0, ops_.size()); }
  // Backward through ops [0, end) from the gradient of op end-1's output
  // (copied from d_out when given, else already in place).
  void backward(size_t rows, const float* d_out, size_t end, bool accumulate, const GradReadyHook* hook = nullptr);
  size_t op_count() const { return ops_.size(); }
  // Ops a fusion folded into an earlier op (they keep their index, run nothing).
  size_t fused_count() const;
  // BatchNorms whose training statistics their input's producer (a
  // convolution) takes as it writes it (Op::gives_stats; with fusions on).
  size_t handed_stats_count() const;
  // Input gradients that share another input's buffer (see above).
  size_t shared_grad_count() const;
  // Input gradients added to an already written gradient by the op itself
  // (Op::adds_dx; with fusions on) instead of through a separate buffer.
  size_t added_in_place_count() const;
  // The output converted to NCHW flatten order (predictions).
  void copy_output(size_t rows, const float* y, float* dst) const;
  // The reverse: an output-shaped array in NCHW order -> the plan's layout.
  void output_from_nchw(size_t rows, const float* src, float* dst) const;

  // load + forward + fused loss (gradient scaled) + backward.
  // With `hook`, it is told as each op's parameter gradients become final.
  // bf16: this step's Dense/Conv2d GEMMs take bf16 inputs (StepCtx::bf16).
  LossResult train_step(const BatchSource& src, const LossOptions& loss, bool accumulate, const GradReadyHook* hook = nullptr,
                        bool bf16 = false);
  // Evaluation-mode loss and hits over all `total` rows (chunks of capacity);
  // with `predictions`, the outputs [total, out] are written.
  LossResult evaluate(BatchSource src, size_t total, const LossOptions& loss, bool with_loss, float* predictions);

 private:
  struct Node {
    std::unique_ptr<Op> op;  // null: folded into another op by a fusion
    std::vector<int> inputs;
    int output = -1;
    std::vector<bool> adds;  // input gradient adds to one written by a later op
    std::vector<bool> shared;  // input gradient is another input's buffer (dx null)
    std::vector<uint8_t> add_home;  // adds: the op adds it into the slot's gradient itself (Op::adds_dx)
    int act = -1;            // Activation ops: the code (for loss fusion)
  };
  void check_rows(const BatchSource& src) const;
  // The three fusion passes below, in order.
  void fuse_all(const std::vector<OpDesc>& ops, ArenaSizes sizes, const std::vector<int>& readers);
  // Node `into` runs `op` (reading `inputs`, writing `output`) in place of itself
  // and node `gone`; slot `dead` is never stored. False (nothing changed) when
  // the fusion declined (`op` null) or its output shape is not `output`'s.
  bool absorb(size_t into, size_t gone, std::unique_ptr<Op> op, std::vector<int> inputs, int output, int dead);
  // Replaces each (producer, ReLU) pair graph_fusion.h covers by the fused
  // op; the slot between them becomes dead (never stored).
  void fuse_relus(const std::vector<OpDesc>& ops, ArenaSizes sizes, const std::vector<int>& readers);
  // Then folds a BatchNorm read only by a fused Add + ReLU into that op
  // (graph_fusion.h), which runs at the Add's place.
  void fuse_into_adds(const std::vector<OpDesc>& ops, ArenaSizes sizes, const std::vector<int>& readers);
  // And folds a producer fused with its ReLU whose only reader is a Conv2D
  // into the conv (graph_fusion.h's after_relu entries), at the conv's place.
  void fuse_into_convs(const std::vector<OpDesc>& ops, ArenaSizes sizes, const std::vector<int>& readers);
  // Each slot's writer among the ops left after fusion (-1: none).
  std::vector<int> live_producers() const;
  // Links each op that takes_stats to its input 0's producer when that
  // gives_stats and the slot has no other reader (Op::link_stats).
  void link_stats(const std::vector<int>& readers);
  // Picks the shared gradients described above (grad_home_, Node::shared).
  void share_add_grads(const std::vector<int>& readers);
  float* grad_of(int slot) { return grad_[grad_home_[slot]].data(); }
  // Throws std::out_of_range unless the `n` input values are ids in [0, id_limit_).
  void check_ids(size_t n, const float* x, size_t first_row) const;
  size_t loss_end(bool fused) const { return fused ? ops_.size() - 1 : ops_.size(); }
  // The loss on the loaded labels (when `labels`) or targets.
  LossResult loss_on(size_t rows, const float* out, const LossOptions& loss, bool labels, float* grad);

  std::vector<Shape> slots_;
  std::vector<Node> ops_;
  int out_slot_ = 0;
  bool input_nchw_ = false, output_nchw_ = false;
  size_t capacity_ = 0;
  size_t id_limit_ = 0;  // 0: float input
  size_t linked_stats_ = 0;  // handed_stats_count
  uint64_t seed_ = 0, step_ = 0;
  bool step_bf16_ = false;  // set for the duration of a bf16 train_step
  float* params_ = nullptr;
  float* grads_ = nullptr;
  float* buffers_ = nullptr;
  std::vector<AlignedVector<float>> act_, grad_, saved_;  // each on a cache line
  std::vector<bool> dead_;  // slots a fusion skips
  std::vector<int> grad_home_;  // the slot whose gradient buffer each slot's gradient is
  AlignedVector<float> scratch_, fan_;  // op scratch; one input gradient before it is added
  std::vector<int32_t> labels_;
  std::vector<float> targets_;
};

}  // namespace graph
}  // namespace simdtrain

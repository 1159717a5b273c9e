// A native "plan" of a Sequential stack of Dense layers: pointers into the
// caller's parameter and gradient arenas plus activation buffers owned here,
// sized for `capacity` rows. One call runs a whole training step (gather the
// batch, forward, fused loss, backward) with no allocation, so the addon can
// run it on a libuv worker thread.
//
// Shapes (B = rows of the batch, I/O = a layer's in/out features):
//   X_l [B, I] (X_0 = the input, X_l = A_{l-1}), W [I, O] row-major, b [O]
//   Z_l = X_l W + b   [B, O]   (kept only when the backward pass needs it)
//   A_l = act(Z_l)    [B, O]
// Backward, given dA_l:
//   dZ = dA * act'(Z, A);  db = colsum(dZ);  dW = X_l^T dZ;  dX_l = dZ W^T
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "nn_ops.h"

namespace simdtrain {

struct DenseSpec {
  size_t in = 0, out = 0;
  int act = kActLinear;
  float alpha = 0.0f;    // leakyRelu slope
  size_t w_offset = 0;   // W in the arenas: in*out floats
  size_t b_offset = 0;   // b in the arenas: out floats
  bool has_bias = true;
};

// Where a batch comes from: rows index[start + i] (or start + i without an
// index) of x [n, in]; labels or targets are gathered the same way.
struct BatchSource {
  const float* x = nullptr;
  const int32_t* index = nullptr;
  size_t start = 0;
  size_t rows = 0;
  const int32_t* labels = nullptr;
  const float* targets = nullptr;  // [n, out]
};

class MlpPlan {
 public:
  MlpPlan(std::vector<DenseSpec> layers, size_t capacity);

  // Arenas holding every W and b (params) and their gradients (grads).
  void bind(float* params, float* grads) { params_ = params; grads_ = grads; }
  // Grows the buffers to hold `rows` rows (never shrinks).
  void reserve(size_t rows);

  size_t capacity() const { return capacity_; }
  size_t in_features() const { return layers_.front().in; }
  size_t out_features() const { return layers_.back().out; }
  const std::vector<DenseSpec>& layers() const { return layers_; }
  // Whether the loss consumes the last layer's pre-activation (softmax +
  // softmax cross-entropy, sigmoid + binary cross-entropy).
  bool fuses_final_act(int loss) const;

  // Gathers rows of the source (<= capacity) into the input buffer.
  void load(const BatchSource& src);
  // Runs the forward pass on the loaded rows; returns A_last (or Z_last when
  // !apply_final_act), valid until the next call.
  const float* forward(size_t rows, bool apply_final_act);
  // Backward from d_out [rows, out]: dL/dA_last (through_final_act) or
  // dL/dZ_last. Writes (or, with accumulate, adds to) every dW and db.
  void backward(size_t rows, const float* d_out, bool through_final_act, bool accumulate);

  // load + forward + fused loss (gradient scaled by `scale`) + backward.
  LossResult train_step(const BatchSource& src, int loss, float scale, bool accumulate);
  // Loss and hits over all `total` rows of a source (chunks of capacity);
  // when `predictions` is set, the final outputs [total, out] are written.
  LossResult evaluate(BatchSource src, size_t total, int loss, bool with_loss, float* predictions);

 private:
  std::vector<DenseSpec> layers_;
  size_t capacity_ = 0;
  size_t max_width_ = 0;
  float* params_ = nullptr;
  float* grads_ = nullptr;
  std::vector<float> input_;                 // [cap, in_0]
  std::vector<std::vector<float>> a_, z_;    // per layer [cap, out]; z_ empty when not kept
  std::vector<float> d0_, d1_;               // gradient ping-pong [cap, max width]
  std::vector<int32_t> labels_;              // gathered labels [cap]
  std::vector<float> targets_;               // gathered targets [cap, out_last]
};

}  // namespace simdtrain

// Dispatched, multi-threaded nn kernels: what the training plan and the addon
// call. Work is split over rows (or, for column sums, over columns) only above
// a size threshold; every split gives the same bits as a single thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nn_table.h"

namespace simdtrain {

void nn_bias_act(size_t rows, size_t cols, const float* x, const float* bias, float* y, int act, float alpha);
void nn_act_backward(size_t rows, size_t cols, const float* x, const float* y, const float* dy, float* dx, int act,
                     float alpha);
void nn_col_sums(size_t rows, size_t cols, const float* x, float* out, bool accumulate);
// nn_act_backward (not softmax) then nn_col_sums of dx into sums, in one pass
// with the same bits.
void nn_act_backward_col_sums(size_t rows, size_t cols, const float* x, const float* y, const float* dy, float* dx,
                              int act, float alpha, float* sums, bool accumulate);
bool nn_all_finite(size_t n, const float* x);

// Loss codes shared with lib/nn/losses.ts.
enum LossCode : int { kLossMse = 0, kLossSoftmaxXent = 1, kLossBce = 2, kLossCount };

struct LossResult {
  double sum = 0.0;    // summed (not averaged) loss
  size_t correct = 0;  // rows (or elements, for BCE) classified right
};

// Fused loss forward + backward on `rows` x `cols` outputs. Exactly one of
// labels (softmax cross-entropy only) and targets (rows x cols) is set.
// grad (may be null or `out`) receives scale * dLoss/dOut. For BCE and
// softmax cross-entropy `out` holds logits. Accuracy: argmax vs label or
// argmax of targets (softmax-xent, mse with cols > 1), sign vs t > 0.5 (BCE),
// nothing for single-column mse.
LossResult nn_loss(int loss, size_t rows, size_t cols, const float* out, const int32_t* labels, const float* targets,
                   float scale, float* grad);

}  // namespace simdtrain

#include "nn_ops.h"

#include <vector>

#include "../../core/thread_pool.h"

namespace simdtrain {
namespace {

// Below this many elements a thread hand-off costs more than it saves.
constexpr size_t kMinElementsPerThread = 1 << 15;
// Loss sums are computed per block of this many rows and added in block
// order, so the total does not depend on the thread count.
constexpr size_t kLossBlockRows = 64;

const NnActKernels& act_kernels() { return SIMDTRAIN_PICK(kNnActKernels); }
const NnLossKernels& loss_kernels() { return SIMDTRAIN_PICK(kNnLossKernels); }

size_t min_rows_per_task(size_t cols) { return cols ? (kMinElementsPerThread + cols - 1) / cols : 1; }

size_t argmax(const float* p, size_t n) {
  size_t best = 0;
  for (size_t j = 1; j < n; ++j) best = p[j] > p[best] ? j : best;
  return best;
}

// Rows whose prediction argmax equals the target argmax.
size_t count_argmax_hits(size_t rows, size_t cols, const float* out, const float* targets) {
  size_t hits = 0;
  for (size_t r = 0; r < rows; ++r) hits += argmax(out + r * cols, cols) == argmax(targets + r * cols, cols);
  return hits;
}

size_t count_sign_hits(size_t n, const float* logits, const float* targets) {
  size_t hits = 0;
  for (size_t i = 0; i < n; ++i) hits += (logits[i] > 0.0f) == (targets[i] > 0.5f);
  return hits;
}

}  // namespace

void nn_bias_act(size_t rows, size_t cols, const float* x, const float* bias, float* y, int act, float alpha) {
  const auto& k = act_kernels();
  parallel_for(rows, min_rows_per_task(cols), [&](size_t b, size_t e) {
    k.bias_act(e - b, cols, x + b * cols, bias, y + b * cols, act, alpha);
  });
}

void nn_act_backward(size_t rows, size_t cols, const float* x, const float* y, const float* dy, float* dx, int act,
                     float alpha) {
  const auto& k = act_kernels();
  parallel_for(rows, min_rows_per_task(cols), [&](size_t b, size_t e) {
    const size_t off = b * cols;
    k.act_backward(e - b, cols, x ? x + off : nullptr, y + off, dy + off, dx + off, act, alpha);
  });
}

// fn(c0, c1) over blocks of 16 columns (every ISA's lane count divides it);
// each task walks its columns over all rows, so any split gives the same bits.
template <class Fn>
void each_column_block(size_t rows, size_t cols, Fn&& fn) {
  const size_t blocks = (cols + 15) / 16;
  const size_t min_blocks = rows ? (kMinElementsPerThread + 16 * rows - 1) / (16 * rows) : blocks + 1;
  parallel_for(blocks, min_blocks, [&](size_t b0, size_t b1) { fn(b0 * 16, b1 * 16 < cols ? b1 * 16 : cols); });
}

void nn_col_sums(size_t rows, size_t cols, const float* x, float* out, bool accumulate) {
  const auto& k = act_kernels();
  each_column_block(rows, cols, [&](size_t c0, size_t c1) { k.col_sums(rows, c1 - c0, cols, x + c0, out + c0, accumulate); });
}

void nn_act_backward_col_sums(size_t rows, size_t cols, const float* x, const float* y, const float* dy, float* dx,
                              int act, float alpha, float* sums, bool accumulate) {
  const auto& k = act_kernels();
  each_column_block(rows, cols, [&](size_t c0, size_t c1) {
    k.act_backward_col_sums(rows, c1 - c0, cols, x ? x + c0 : nullptr, y + c0, dy + c0, dx + c0, act, alpha, sums + c0,
                            accumulate);
  });
}

bool nn_all_finite(size_t n, const float* x) {
  const auto& k = act_kernels();
  return k.all_finite(n, x);
}

LossResult nn_loss(int loss, size_t rows, size_t cols, const float* out, const int32_t* labels, const float* targets,
                   float scale, float* grad) {
  const auto& k = loss_kernels();
  const size_t blocks = (rows + kLossBlockRows - 1) / kLossBlockRows;
  std::vector<double> partial(blocks, 0.0);
  std::vector<size_t> hits(blocks, 0);
  parallel_for(blocks, min_rows_per_task(cols * kLossBlockRows), [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) {
      const size_t r0 = b * kLossBlockRows;
      const size_t n = r0 + kLossBlockRows < rows ? kLossBlockRows : rows - r0;
      const size_t off = r0 * cols;
      float* g = grad ? grad + off : nullptr;
      switch (loss) {
        case kLossSoftmaxXent:
          if (labels) {
            partial[b] = k.softmax_xent_labels(n, cols, out + off, labels + r0, scale, g, &hits[b]);
          } else {
            hits[b] = count_argmax_hits(n, cols, out + off, targets + off);
            partial[b] = k.softmax_xent_probs(n, cols, out + off, targets + off, scale, g);
          }
          break;
        case kLossBce:
          hits[b] = count_sign_hits(n * cols, out + off, targets + off);
          partial[b] = k.bce_logits(n * cols, out + off, targets + off, scale, g);
          break;
        default:
          if (cols > 1) hits[b] = count_argmax_hits(n, cols, out + off, targets + off);
          partial[b] = k.mse(n * cols, out + off, targets + off, scale, g);
          break;
      }
    }
  });
  LossResult result;
  for (size_t b = 0; b < blocks; ++b) {
    result.sum += partial[b];
    result.correct += hits[b];
  }
  return result;
}

}  // namespace simdtrain

#include "mlp_plan.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "nn_gemm.h"

namespace simdtrain {
namespace {

// Z is kept apart from A when the backward pass needs it, and for the last
// layer (whose logits the fused losses read while predict needs act(Z)).
bool keeps_z(const std::vector<DenseSpec>& layers, size_t l) {
  return act_needs_input(layers[l].act) || l + 1 == layers.size();
}

}  // namespace

MlpPlan::MlpPlan(std::vector<DenseSpec> layers, size_t capacity) : layers_(std::move(layers)) {
  for (const auto& l : layers_) max_width_ = std::max({max_width_, l.in, l.out});
  a_.resize(layers_.size());
  z_.resize(layers_.size());
  reserve(std::max<size_t>(capacity, 1));
}

void MlpPlan::reserve(size_t rows) {
  if (rows <= capacity_) return;
  capacity_ = rows;
  input_.resize(rows * in_features());
  for (size_t l = 0; l < layers_.size(); ++l) {
    a_[l].resize(rows * layers_[l].out);
    if (keeps_z(layers_, l)) z_[l].resize(rows * layers_[l].out);
  }
  d0_.resize(rows * max_width_);
  d1_.resize(rows * max_width_);
  labels_.resize(rows);
  targets_.resize(rows * out_features());
}

bool MlpPlan::fuses_final_act(int loss) const {
  const int act = layers_.back().act;
  return (loss == kLossSoftmaxXent && act == kActSoftmax) || (loss == kLossBce && act == kActSigmoid);
}

void MlpPlan::load(const BatchSource& src) {
  const size_t in = in_features(), out = out_features();
  for (size_t i = 0; i < src.rows; ++i) {
    const size_t row = src.index ? static_cast<size_t>(src.index[src.start + i]) : src.start + i;
    std::memcpy(&input_[i * in], src.x + row * in, in * sizeof(float));
    if (src.labels) labels_[i] = src.labels[row];
    if (src.targets) std::memcpy(&targets_[i * out], src.targets + row * out, out * sizeof(float));
  }
}

const float* MlpPlan::forward(size_t rows, bool apply_final_act) {
  const float* x = input_.data();
  for (size_t l = 0; l < layers_.size(); ++l) {
    const DenseSpec& s = layers_[l];
    const bool last = l + 1 == layers_.size();
    const bool has_z = !z_[l].empty();
    float* a = a_[l].data();
    float* z = has_z ? z_[l].data() : a;
    GemmArgs g;
    g.m = rows, g.n = s.out, g.k = s.in;
    g.a = x, g.lda = s.in;
    g.b = params_ + s.w_offset, g.ldb = s.out;
    g.c = z, g.ldc = s.out;
    g.epilogue.bias = s.has_bias ? params_ + s.b_offset : nullptr;
    // ReLU fuses into the GEMM's store when Z need not be kept.
    if (s.act == kActRelu && !has_z) g.epilogue.activation = Activation::relu;
    sgemm(g);
    if (last && !apply_final_act) return z;
    if (s.act != kActLinear && g.epilogue.activation != Activation::relu) {
      nn_bias_act(rows, s.out, z, nullptr, a, s.act, s.alpha);
    } else if (z != a) {
      std::memcpy(a, z, rows * s.out * sizeof(float));
    }
    x = a;
  }
  return a_.back().data();
}

void MlpPlan::backward(size_t rows, const float* d_out, bool through_final_act, bool accumulate) {
  float* d = d0_.data();
  float* d_next = d1_.data();
  if (d_out != d) std::memcpy(d, d_out, rows * out_features() * sizeof(float));
  for (size_t l = layers_.size(); l-- > 0;) {
    const DenseSpec& s = layers_[l];
    const bool last = l + 1 == layers_.size();
    // dZ = dA * act'(Z, A), in place (skipped when the loss gave dZ already).
    if (s.act != kActLinear && !(last && !through_final_act)) {
      nn_act_backward(rows, s.out, z_[l].empty() ? nullptr : z_[l].data(), a_[l].data(), d, d, s.act, s.alpha);
    }
    if (s.has_bias) nn_col_sums(rows, s.out, d, grads_ + s.b_offset, accumulate);
    const float* x = l == 0 ? input_.data() : a_[l - 1].data();
    GemmArgs gw;  // dW [I, O] = X^T [I, B] . dZ [B, O]
    gw.trans_a = true;
    gw.m = s.in, gw.n = s.out, gw.k = rows;
    gw.a = x, gw.lda = s.in;
    gw.b = d, gw.ldb = s.out;
    gw.beta = accumulate ? 1.0f : 0.0f;
    gw.c = grads_ + s.w_offset, gw.ldc = s.out;
    sgemm(gw);
    if (l == 0) break;  // no gradient for the input
    GemmArgs gx;  // dX [B, I] = dZ [B, O] . W^T [O, I]
    gx.trans_b = true;
    gx.m = rows, gx.n = s.in, gx.k = s.out;
    gx.a = d, gx.lda = s.out;
    gx.b = params_ + s.w_offset, gx.ldb = s.out;
    gx.c = d_next, gx.ldc = s.in;
    sgemm(gx);
    std::swap(d, d_next);
  }
}

LossResult MlpPlan::train_step(const BatchSource& src, int loss, float scale, bool accumulate) {
  load(src);
  const bool fused = fuses_final_act(loss);
  const float* out = forward(src.rows, !fused);
  const LossResult result = nn_loss(loss, src.rows, out_features(), out, src.labels ? labels_.data() : nullptr,
                                    src.targets ? targets_.data() : nullptr, scale, d0_.data());
  backward(src.rows, d0_.data(), !fused, accumulate);
  return result;
}

LossResult MlpPlan::evaluate(BatchSource src, size_t total, int loss, bool with_loss, float* predictions) {
  LossResult sum;
  const bool fused = with_loss && fuses_final_act(loss);
  const size_t out_f = out_features();
  const DenseSpec& last = layers_.back();
  for (size_t done = 0; done < total;) {
    src.rows = std::min(capacity_, total - done);
    load(src);
    const float* out = forward(src.rows, !fused);
    if (with_loss) {
      const LossResult r = nn_loss(loss, src.rows, out_f, out, src.labels ? labels_.data() : nullptr,
                                   src.targets ? targets_.data() : nullptr, 1.0f, nullptr);
      sum.sum += r.sum;
      sum.correct += r.correct;
    }
    if (predictions) {
      float* dst = predictions + done * out_f;
      if (fused) {
        nn_bias_act(src.rows, out_f, out, nullptr, dst, last.act, last.alpha);
      } else {
        std::memcpy(dst, out, src.rows * out_f * sizeof(float));
      }
    }
    done += src.rows;
    src.start += src.rows;
  }
  return sum;
}

}  // namespace simdtrain

// Loss kernels, fused forward + backward and numerically stable (softmax
// subtracts the row max; binary cross-entropy works on logits), written once
// over the SIMD abstraction; the build compiles this file once per ISA.
#include <cmath>

#include "../../simd/target.h"
#include "nn_table.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

#include "nn_math.inl"

// sum_j e^{z_j - m}; when `out` is set, e^{z_j - m} is also stored there.
float sum_exp(const float* z, size_t n, float m, float* out) {
  const Vec mv = set1(m);
  Vec acc = zero();
  for_each_chunk(n, [&](size_t j, auto chunk) {
    Vec e = vexp(sub(chunk.load(z + j), mv));
    e = keep_active(chunk, e);
    acc = add(acc, e);
    if (out) chunk.store(out + j, e);
  });
  return reduce_add(acc);
}

double softmax_xent_labels(size_t rows, size_t cols, const float* logits, const int32_t* labels, float scale,
                           float* grad, size_t* correct) {
  double total = 0.0;
  size_t hits = 0;
  for (size_t r = 0; r < rows; ++r) {
    const float* z = logits + r * cols;
    const size_t label = static_cast<size_t>(labels[r]);
    const float m = row_max(z, cols);
    size_t argmax = 0;
    while (argmax < cols && !(z[argmax] == m)) ++argmax;
    hits += argmax == label;
    const float zl = z[label];
    float* g = grad ? grad + r * cols : nullptr;
    const float s = sum_exp(z, cols, m, g);
    total += static_cast<double>(std::log(s)) + m - zl;
    if (g) {
      const Vec k = set1(scale / s);
      for_each_chunk(cols, [&](size_t j, auto chunk) { chunk.store(g + j, mul(chunk.load(g + j), k)); });
      g[label] -= scale;
    }
  }
  if (correct) *correct += hits;
  return total;
}

double softmax_xent_probs(size_t rows, size_t cols, const float* logits, const float* targets, float scale,
                          float* grad) {
  double total = 0.0;
  for (size_t r = 0; r < rows; ++r) {
    const float* z = logits + r * cols;
    const float* t = targets + r * cols;
    const float m = row_max(z, cols);
    Vec tsum = zero(), tz = zero();
    for_each_chunk(cols, [&](size_t j, auto chunk) {
      const Vec tv = chunk.load(t + j);
      tsum = add(tsum, tv);
      tz = fmadd(tv, sub(chunk.load(z + j), set1(m)), tz);
    });
    const float ts = reduce_add(tsum);
    float* g = grad ? grad + r * cols : nullptr;
    const float s = sum_exp(z, cols, m, g);
    // sum_j t_j (log s + m - z_j) = ts * log s - sum_j t_j (z_j - m)
    total += static_cast<double>(ts) * std::log(s) - reduce_add(tz);
    if (g) {
      const Vec k = set1(scale * ts / s), sc = set1(scale);
      for_each_chunk(cols, [&](size_t j, auto chunk) {
        chunk.store(g + j, fnmadd(sc, chunk.load(t + j), mul(chunk.load(g + j), k)));
      });
    }
  }
  return total;
}

double mse(size_t n, const float* pred, const float* target, float scale, float* grad) {
  Vec acc = zero();
  const Vec k = set1(2.0f * scale);
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec d = sub(chunk.load(pred + i), chunk.load(target + i));
    acc = fmadd(d, d, acc);
    if (grad) chunk.store(grad + i, mul(k, d));
  });
  return reduce_add(acc);
}

double bce_logits(size_t n, const float* logits, const float* target, float scale, float* grad) {
  Vec acc = zero();
  const Vec k = set1(scale);
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec z = chunk.load(logits + i);
    const Vec t = chunk.load(target + i);
    // max(z,0) - z*t + log1p(e^-|z|); inactive tail lanes (z = t = 0) add log 2,
    // so they are masked out.
    Vec loss = add(fnmadd(z, t, max(z, zero())), vlog1p_unit(vexp(neg(abs(z)))));
    loss = keep_active(chunk, loss);
    acc = add(acc, loss);
    if (grad) chunk.store(grad + i, mul(k, sub(vsigmoid(z), t)));
  });
  return reduce_add(acc);
}

}  // namespace

extern const NnLossKernels kNnLossKernels = {softmax_xent_labels, softmax_xent_probs, mse, bce_logits};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

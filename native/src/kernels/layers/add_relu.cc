// Drivers of the Add + ReLU fusion (add_relu.h): the active ISA's kernels
// (layer_table.h) on slices split across threads, and the plain loops.
#include "add_relu.h"

#include "../../core/thread_pool.h"
#include "layer_table.h"

namespace simdtrain {
namespace {

constexpr size_t kMinFloatsPerTask = 1 << 15;

}  // namespace

void add_relu(size_t n, const float* a, const float* b, float* y) {
  const LayerKernels& k = SIMDTRAIN_PICK(kLayerKernels);
  parallel_for(n, kMinFloatsPerTask, [&](size_t lo, size_t hi) { k.add_relu(hi - lo, a + lo, b + lo, y + lo); });
}

void relu_grad_split(size_t n, const float* z, const float* dy, float* da, float* db) {
  const LayerKernels& k = SIMDTRAIN_PICK(kLayerKernels);
  parallel_for(n, kMinFloatsPerTask, [&](size_t lo, size_t hi) {
    k.relu_grad_split(hi - lo, z + lo, dy + lo, da ? da + lo : nullptr, db ? db + lo : nullptr);
  });
}

void add_relu_reference(size_t n, const float* a, const float* b, float* y) {
  for (size_t i = 0; i < n; ++i) {
    const float s = a[i] + b[i];
    y[i] = s != s ? s : (s > 0.0f ? s : 0.0f);
  }
}

void relu_grad_split_reference(size_t n, const float* z, const float* dy, float* da, float* db) {
  for (size_t i = 0; i < n; ++i) {
    const float g = z[i] > 0.0f ? dy[i] : 0.0f;
    if (da) da[i] = g;
    if (db) db[i] = g;
  }
}

}  // namespace simdtrain

// Inverted dropout over the Philox uniform stream (dropout.h). The uniforms
// come from rng_ops in stack-sized pieces; each piece's mask depends only on
// (seed, offset + i), so the split over threads cannot change a bit.
#include "dropout.h"

#include <algorithm>
#include <cstring>

#include "../../core/thread_pool.h"
#include "../rng/rng_table.h"
#include "../rng/rng_ops.h"
#include "layer_table.h"

namespace simdtrain {
namespace {

constexpr size_t kPiece = 1024;

// out[i] = in[i] * (u_i >= p ? scale : 0) for the stream elements offset + i;
// the select runs on the active ISA's vectors, or as a plain loop (kPlain,
// the reference), with the same bits.
template <bool kPlain>
void masked_scale(size_t n, const float* in, float p, uint64_t seed, uint64_t offset, float* out) {
  if (p <= 0.0f) {
    if (out != in) std::memmove(out, in, n * sizeof(float));
    return;
  }
  const float scale = 1.0f / (1.0f - p);
  const auto& k = SIMDTRAIN_PICK(kRngKernels);
  const LayerKernels& lk = SIMDTRAIN_PICK(kLayerKernels);
  const RngKey key = rng_key(seed);
  const UniformParams unit = make_uniform_params(0.0f, 1.0f);
  const size_t pieces = (n + kPiece - 1) / kPiece;
  parallel_for(pieces, 16, [&](size_t b, size_t e) {
    alignas(64) float u[kPiece];
    for (size_t piece = b; piece < e; ++piece) {
      const size_t i0 = piece * kPiece, len = std::min(kPiece, n - i0);
      k.uniform(u, len, offset + i0, key, unit);
      if (kPlain) {
        for (size_t i = 0; i < len; ++i) out[i0 + i] = u[i] >= p ? in[i0 + i] * scale : 0.0f;
      } else {
        lk.dropout_apply(len, u, in + i0, p, scale, out + i0);
      }
    }
  });
}

}  // namespace

void dropout_forward(size_t n, const float* x, float p, uint64_t seed, uint64_t offset, float* y) {
  masked_scale<false>(n, x, p, seed, offset, y);
}

void dropout_backward(size_t n, const float* dy, float p, uint64_t seed, uint64_t offset, float* dx) {
  masked_scale<false>(n, dy, p, seed, offset, dx);
}

void dropout_forward_reference(size_t n, const float* x, float p, uint64_t seed, uint64_t offset, float* y) {
  masked_scale<true>(n, x, p, seed, offset, y);
}

}  // namespace simdtrain

// Inverted dropout driven by the Philox stream of rng_ops.h: element i keeps
// its value (scaled by 1 / (1 - p)) when u >= p, where u is the uniform [0, 1)
// value of element `offset + i` of the stream of `seed`. The mask is never
// stored: the backward pass regenerates it from (seed, offset), so a training
// step is reproducible from the seed and its stream offset alone (the plan
// advances the offset by n every step). Same bits on every ISA and thread count.
#pragma once

#include <cstddef>
#include <cstdint>

namespace simdtrain {

// p in [0, 1): p == 0 copies. y may be x.
void dropout_forward(size_t n, const float* x, float p, uint64_t seed, uint64_t offset, float* y);
// dx = dy * mask / (1 - p), the same mask as the forward call. dx may be dy.
void dropout_backward(size_t n, const float* dy, float p, uint64_t seed, uint64_t offset, float* dx);
// dropout_forward with the mask applied by a plain scalar loop (the
// reference the per-ISA select is tested against; the backward pass is the
// same function of dy).
void dropout_forward_reference(size_t n, const float* x, float p, uint64_t seed, uint64_t offset, float* y);

}  // namespace simdtrain

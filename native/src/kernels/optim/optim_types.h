// Shared definitions of the fused optimizer kernels: which optimizer, its
// option flags, and the per-tensor float scalars a step needs.
//
// Every per-step scalar (bias corrections, step sizes, NAdam's mu terms,
// RAdam's rectification) is computed in double by the TypeScript layer and
// handed over here already rounded to float, the way PyTorch rounds a Python
// float before a tensor kernel sees it. The kernels then do one correctly
// rounded float op at a time, in PyTorch's order, and never fuse a
// multiply-add: results are identical on every ISA and match PyTorch's
// default (non-FMA) CPU kernels.
#pragma once

#include <cstddef>
#include <cstdint>

namespace simdtrain {

// Values shared with lib/optim/kinds.ts (keep in sync).
enum class OptimKind : int {
  sgd = 0,
  adam = 1,  // Adam, AdamW (kDecoupled), AMSGrad (kAmsgrad)
  adamax = 2,
  nadam = 3,
  radam = 4,
  adagrad = 5,
  rmsprop = 6,
  adadelta = 7,
  lion = 8,
  lamb = 9,
};
constexpr int kOptimKindCount = 10;

// Option bits of OptimScalars::flags.
enum OptimFlag : uint32_t {
  kFlagMaximize = 1u << 0,   // step along +grad
  kFlagAmsgrad = 1u << 1,    // Adam: keep the running max of v
  kFlagDecoupled = 1u << 2,  // AdamW-style decay p *= c0 instead of g += wd*p
  kFlagNesterov = 1u << 3,   // SGD
  kFlagFirstStep = 1u << 4,  // SGD: momentum buffer = d_p (PyTorch's first step)
  kFlagMomentum = 1u << 5,   // SGD / RMSprop: a momentum buffer is in use
  kFlagCentered = 1u << 6,   // RMSprop
  kFlagRectify = 1u << 7,    // RAdam: rho_t > 5, use the rectified update
  kFlagTfjs = 1u << 8,       // TensorFlow.js's formula (sgd, adam, adamax, rmsprop, adagrad, adadelta)
  kFlagBf16State = 1u << 9,  // state buffers hold bf16 (OptimSpan::h0..h2), stored with stochastic rounding
};
constexpr uint32_t kOptimFlagMask = (1u << 10) - 1;

// Number of state buffers a tensor may carry (unused ones are null).
constexpr int kOptimStateSlots = 3;

// Per-tensor scalars. b1 is momentum (SGD), alpha (RMSprop) or rho
// (Adadelta) for the families that have no betas. c[] by kind:
//   sgd      c0 = 1 - dampening
//   adam     c0 = 1 - lr*wd, c1 = 1 - b1, c2 = 1 - b2, c3 = lr / bc1, c4 = sqrt(bc2)
//   adamax   c1 = 1 - b1, c3 = lr / bc1
//   nadam    c0 = 1 - lr*wd, c1 = 1 - b1, c2 = 1 - b2, c3 = bc2,
//            c4 = lr (1 - mu) / (1 - mu_product), c5 = lr mu_next / (1 - mu_product mu_next)
//   radam    c0 = 1 - lr*wd, c1 = 1 - b1, c2 = 1 - b2, c3 = bc1, c4 = sqrt(bc2), c5 = rect
//   adagrad  c0 = lr / (1 + (step - 1) lr_decay)
//   rmsprop  c1 = 1 - alpha, c2 = momentum
//   adadelta c1 = 1 - rho
//   lion     c0 = 1 - lr*wd, c1 = 1 - b1, c2 = 1 - b2
//   lamb     c1 = 1 - b1, c2 = 1 - b2, c3 = bc1, c4 = bc2, c5 = lr * trust (set natively)
// where bc1 = 1 - b1^step, bc2 = 1 - b2^step.
// With kFlagTfjs (every value a float32 as tfjs computes it):
//   sgd      c0 = -lr, b1 = momentum (kFlagMomentum; kFlagNesterov)
//   adam     c1 = 1 - b1, c2 = 1 - b2, c3 = 1 - accBeta1, c4 = 1 - accBeta2, c5 = -lr
//   adamax   c1 = 1 - b1, c3 = (-lr / (iteration*decay + 1)) / (1 - accBeta1)
//   rmsprop  b1 = decay, c1 = 1 - decay, c2 = momentum, c3 = lr (kFlagMomentum always)
//   adagrad  c0 = -lr, eps = the backend's epsilon
//   adadelta b1 = rho, c1 = 1 - rho, c0 = -lr
//
// With kFlagBf16State the binding reads two more integers from the row, c6 =
// the Philox seed and c7 = the step, into rng_seed / rng_step (c[6], c[7] are
// then unused); rng_stream is the tensor's position in the call.
struct OptimScalars {
  uint32_t flags = 0;
  float lr = 0, wd = 0, b1 = 0, b2 = 0, eps = 0;
  float c[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  uint32_t rng_seed = 0, rng_step = 0, rng_stream = 0;
};
// Doubles per tensor in the binding's scalar table: flags, lr, wd, b1, b2, eps, c0..c7.
constexpr size_t kOptimScalarCount = 14;

// One tensor's buffers for a kernel call: param (written), grad (read) and
// up to three state buffers (written), all of length n: fp32 in s0..s2, or
// with kFlagBf16State bf16 bit patterns in h0..h2. `first` is the index of
// p[0] within its tensor (a thread's piece starts inside it): the stochastic
// rounding of element j draws its bits from Philox counter j (bf16.md).
struct OptimSpan {
  float* p;
  const float* g;
  float* s0;
  float* s1;
  float* s2;
  uint16_t* h0 = nullptr;
  uint16_t* h1 = nullptr;
  uint16_t* h2 = nullptr;
  uint64_t first = 0;
};

using OptimStepFn = void (*)(const OptimScalars& s, const OptimSpan& t, size_t n);
// LAMB's first pass: updates the moments and adds sum(p^2) and sum(u^2) of
// the tensor's update u to out[0], out[1] (float lanes, returned in double).
using OptimNormFn = void (*)(const OptimScalars& s, const OptimSpan& t, size_t n, double* out);

}  // namespace simdtrain

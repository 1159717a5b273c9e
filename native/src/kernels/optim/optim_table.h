// Fused optimizer update kernels, one table per ISA for each family. Each
// function reads param, grad and state once and writes param and state once
// (LAMB needs a second pass for its per-tensor trust ratio).
#pragma once

#include "../../simd/dispatch.h"
#include "optim_types.h"

namespace simdtrain {

// Adam and its relatives: one parameterized core (adam_family.isa.cc).
struct AdamFamilyKernels {
  OptimStepFn adam;    // Adam / AdamW / AMSGrad / maximize, by flags
  OptimStepFn adamax;
  OptimStepFn nadam;
  OptimStepFn radam;
  OptimNormFn lamb_moments;  // pass 1: moments + norms
  OptimStepFn lamb_apply;    // pass 2: p -= c5 * u
};

// SGD, Adagrad, RMSprop, Adadelta, Lion (basic_family.isa.cc).
struct BasicOptimKernels {
  OptimStepFn sgd;
  OptimStepFn adagrad;
  OptimStepFn rmsprop;
  OptimStepFn adadelta;
  OptimStepFn lion;
};

// TensorFlow.js's formulas, selected by kFlagTfjs (tfjs_family.isa.cc).
struct TfjsOptimKernels {
  OptimStepFn sgd;  // plain, momentum (kFlagMomentum), Nesterov
  OptimStepFn adam;
  OptimStepFn adamax;
  OptimStepFn rmsprop;  // centered by kFlagCentered
  OptimStepFn adagrad;
  OptimStepFn adadelta;
};

// Gradient utilities for clipping and the non-finite check (grad_utils.isa.cc).
struct GradKernels {
  float (*sum_sq)(size_t n, const float* x);   // float lanes
  float (*sum_abs)(size_t n, const float* x);
  float (*max_abs)(size_t n, const float* x);  // NaN if any element is NaN
  bool (*any_nonfinite)(size_t n, const float* x);
  void (*clamp)(float* x, size_t n, float lo, float hi);
};

SIMDTRAIN_DECLARE_TABLES(AdamFamilyKernels, kAdamFamilyKernels)
SIMDTRAIN_DECLARE_TABLES(BasicOptimKernels, kBasicOptimKernels)
SIMDTRAIN_DECLARE_TABLES(GradKernels, kGradKernels)
SIMDTRAIN_DECLARE_TABLES(TfjsOptimKernels, kTfjsOptimKernels)

}  // namespace simdtrain

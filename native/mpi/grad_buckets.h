// Gradient buckets (makeGradHook / reduceBuckets): fitDistributed's gradient
// arena is all-reduced in buckets queued straight from the main addon's
// backward worker thread (through a type-tagged hook object, see
// native/src/addon/grad_ready_hook.h) or all at once after the step. The
// buckets carry no Promise and no argument check (the layout is checked
// across ranks once, when the hook is made); one fence job behind them
// settles a single Promise per step.
#pragma once

#include <napi.h>

namespace simdtrain_mpi {

// makeGradHook(grads: Float32Array, layout: Float64Array of [offset, length, readyAt] per bucket, timeoutMs)
//   -> a frozen, type-tagged { table: External, buckets } for NnPlan.trainStep and reduceBuckets.
Napi::Value MakeGradHook(const Napi::CallbackInfo& info);

// reduceBuckets(hook, timeoutMs) -> Promise that resolves once every bucket
// of this step is summed over the ranks.
Napi::Value ReduceBuckets(const Napi::CallbackInfo& info);

}  // namespace simdtrain_mpi

// The contract between two separate addons: simdtrain_mpi.node (the optional
// MPI addon, native/mpi) makes a "gradient-ready hook", and the main addon's
// NnPlan.trainStep calls it from its backward worker thread after each op
// (graph::GradReadyHook), so gradient buckets can be all-reduced while the
// backward pass goes on. The hook crosses from one .node file to the other as
// a frozen JS object, type-tagged with kGradHookTag, whose `table` property is
// a napi External pointing to a GradHookTable. Plain C types only: the two
// addons may be built by different compilers at different times, so the
// table carries its ABI version and size, checked before use.
#pragma once

#include <cstddef>
#include <cstdint>

namespace simdtrain {
namespace abi {

// napi_type_tag {lower, upper} of the hook object.
constexpr uint64_t kGradHookTagLower = 0x5d3f2a9c41e07b16ULL;
constexpr uint64_t kGradHookTagUpper = 0x8b6c1f04e2a95d37ULL;
constexpr uint32_t kGradHookAbi = 1;

struct GradHookTable {
  uint32_t abi;   // kGradHookAbi
  uint32_t size;  // sizeof(GradHookTable)
  // Called on the backward thread after op `ops_left` ran its backward pass
  // (ops run in reverse: every op >= ops_left is done). Must not throw or block long.
  void (*ready)(void* ctx, size_t ops_left);
  void* ctx;
};

}  // namespace abi
}  // namespace simdtrain

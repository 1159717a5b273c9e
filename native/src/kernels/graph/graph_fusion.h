// Op fusions the plan picks when it is built: an op whose output slot only a
// ReLU Activation (or, after a ReLU Conv2D, a MaxPool2D) reads runs the
// reader itself, writing the reader's slot directly (one memory pass less
// each way, and the slot between them is never stored). The fused op gives
// the unfused pair's bits. The reader keeps its index in the op list (op
// indices name dropout streams and the gradient-ready hook's positions) but
// runs nothing.
//
// A BatchNorm whose only reader is a two-input Add already fused with its
// ReLU is absorbed the other way round (reader = kOpAdd): the fused op runs
// at the Add's place (its other input may be written after the BatchNorm),
// reads the BatchNorm's input and the Add's other input, and writes relu(
// batchnorm(x) + skip); the BatchNorm's output slot is never stored.
//
// A BatchNorm fused with its ReLU whose only reader is a Conv2D is absorbed
// into the Conv2D (reader = kOpConv2d, after_relu): the fused op runs at the
// conv's place, reads the BatchNorm's input and applies the BatchNorm +
// ReLU as the convolution loads it; that output slot is never stored (its
// gradient neither). The factory returns null unless every pass of the conv
// runs Winograd (the only kernels taking that pre-op).
//
// One table entry per fusion (graph_registry.cc); each fused op lives in its
// own file and reuses its unfused kernels' arithmetic.
#pragma once

#include "graph_ops.h"

namespace simdtrain {
namespace graph {

// Builds the fused op from the producer's and the Activation's descriptions
// and the producer's input shapes; null when this producer cannot be fused
// (then both ops stay as they are). Throws like the producer's factory. For
// an entry read by an Add, `act` is the Add's description and `inputs` the
// BatchNorm's input's shape and the Add's other input's.
using FusedFactory = std::unique_ptr<Op> (*)(const OpDesc& producer, const OpDesc& act, const std::vector<Shape>& inputs,
                                             const ArenaSizes& sizes);

struct FusionEntry {
  int code;  // the producer's op code
  int act;   // the Activation's ActCode (when the reader is an Activation)
  const char* name;
  FusedFactory make;
  int reader = kOpActivation;  // the reader's op code
  bool after_relu = false;     // the producer is one already fused with its ReLU Activation
};

// The entry fusing `producer` with its only reader, or null; with
// after_relu, only entries for a producer already fused with its ReLU.
const FusionEntry* find_fusion(const OpDesc& producer, const OpDesc& reader, bool after_relu = false);

#define SIMDTRAIN_FUSED_FACTORY(fn) \
  std::unique_ptr<Op> fn(const OpDesc&, const OpDesc&, const std::vector<Shape>&, const ArenaSizes&);
SIMDTRAIN_FUSED_FACTORY(make_batchnorm_relu)  // ops_norm.cc
SIMDTRAIN_FUSED_FACTORY(make_add_relu)        // ops_add_relu.cc
SIMDTRAIN_FUSED_FACTORY(make_conv_relu_maxpool)  // ops_conv_pool.cc
SIMDTRAIN_FUSED_FACTORY(make_batchnorm_add_relu)  // ops_norm.cc
SIMDTRAIN_FUSED_FACTORY(make_batchnorm_relu_conv)  // ops_bn_relu_conv.cc
#undef SIMDTRAIN_FUSED_FACTORY

}  // namespace graph
}  // namespace simdtrain

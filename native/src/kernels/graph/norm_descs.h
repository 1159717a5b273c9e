// The BatchNorm op's description read into its kernel arguments
// (ops_norm.cc), shared with the fused BatchNorm + ReLU + Conv2D op
// (ops_bn_relu_conv.cc). Throws like the op's factory on a bad description.
#pragma once

#include "graph_op.h"

namespace simdtrain {
namespace graph {

struct BatchNormDesc {
  float eps = 0.0f, momentum = 0.0f;
  long long gamma = -1, beta = -1;  // parameter offsets, -1 = not affine
  size_t mean = 0, var = 0;         // buffer offsets of the running statistics
  long long nbt = -1;               // buffer offset of num_batches_tracked, -1 = none
};

// Checks the description against an input of c channels and the arenas.
BatchNormDesc read_batchnorm(const OpDesc& d, size_t c, const ArenaSizes& sizes);

}  // namespace graph
}  // namespace simdtrain

// The Conv2D and pooling ops' descriptions read into kernel shapes
// (ops_conv.cc, ops_pool.cc), shared with the fused Conv2D + MaxPool2D op
// (ops_conv_pool.cc). Each throws like the op's factory on a bad description.
#pragma once

#include "../conv/conv2d.h"
#include "../conv/pool2d.h"
#include "graph_op.h"

namespace simdtrain {
namespace graph {

struct Conv2dDesc {
  Conv2dShape shape;  // batch 1
  int act = 0;        // ActCode
  float alpha = 0.0f;
  size_t w = 0;       // weights' offset in the parameter arena
  long long b = -1;   // bias offset, -1 = none
};

Conv2dDesc read_conv2d(const OpDesc& d, const std::vector<Shape>& inputs, const ArenaSizes& sizes);
Pool2dShape read_pool2d(const OpDesc& d, const std::vector<Shape>& inputs);  // batch 1

}  // namespace graph
}  // namespace simdtrain

// Factories of the ops, one per op (each family in its own ops_*.cc file);
// graph_registry.cc maps codes to them.
#pragma once

#include "graph_op.h"

namespace simdtrain {
namespace graph {

#define SIMDTRAIN_OP_FACTORY(fn) std::unique_ptr<Op> fn(const OpDesc&, const std::vector<Shape>&, const ArenaSizes&);
SIMDTRAIN_OP_FACTORY(make_dense)       // ops_dense.cc
SIMDTRAIN_OP_FACTORY(make_activation)  // ops_activation.cc
SIMDTRAIN_OP_FACTORY(make_flatten)     // ops_shape.cc
SIMDTRAIN_OP_FACTORY(make_reshape)     // ops_shape.cc
SIMDTRAIN_OP_FACTORY(make_add)         // ops_merge.cc
SIMDTRAIN_OP_FACTORY(make_concat)      // ops_merge.cc
SIMDTRAIN_OP_FACTORY(make_conv2d)      // ops_conv.cc
SIMDTRAIN_OP_FACTORY(make_maxpool2d)   // ops_pool.cc
SIMDTRAIN_OP_FACTORY(make_avgpool2d)   // ops_pool.cc
SIMDTRAIN_OP_FACTORY(make_global_avgpool2d)  // ops_pool.cc
SIMDTRAIN_OP_FACTORY(make_dropout)     // ops_dropout.cc
SIMDTRAIN_OP_FACTORY(make_batchnorm)   // ops_norm.cc
SIMDTRAIN_OP_FACTORY(make_layernorm)   // ops_norm.cc
SIMDTRAIN_OP_FACTORY(make_embedding)   // ops_embedding.cc
#undef SIMDTRAIN_OP_FACTORY

}  // namespace graph
}  // namespace simdtrain

// One entry per op: code, name, factory. A new op adds its file, its
// factory declaration in graph_ops.h and one line here. Likewise one entry
// per fusion (graph_fusion.h).
#include "../nn/nn_table.h"
#include "graph_fusion.h"
#include "graph_ops.h"

namespace simdtrain {
namespace graph {
namespace {

const OpEntry kOps[] = {
    {kOpDense, "Dense", make_dense},
    {kOpActivation, "Activation", make_activation},
    {kOpFlatten, "Flatten", make_flatten},
    {kOpReshape, "Reshape", make_reshape},
    {kOpAdd, "Add", make_add},
    {kOpConcat, "Concatenate", make_concat},
    {kOpConv2d, "Conv2D", make_conv2d},
    {kOpMaxPool2d, "MaxPool2D", make_maxpool2d},
    {kOpAvgPool2d, "AvgPool2D", make_avgpool2d},
    {kOpGlobalAvgPool2d, "GlobalAveragePooling2D", make_global_avgpool2d},
    {kOpDropout, "Dropout", make_dropout},
    {kOpBatchNorm, "BatchNorm", make_batchnorm},
    {kOpLayerNorm, "LayerNorm", make_layernorm},
    {kOpEmbedding, "Embedding", make_embedding},
};

const FusionEntry kFusions[] = {
    {kOpBatchNorm, kActRelu, "BatchNorm+ReLU", make_batchnorm_relu},
    {kOpAdd, kActRelu, "Add+ReLU", make_add_relu},
    {kOpConv2d, kActRelu, "Conv2D(relu)+MaxPool2D", make_conv_relu_maxpool, kOpMaxPool2d},
    {kOpBatchNorm, kActRelu, "BatchNorm+Add+ReLU", make_batchnorm_add_relu, kOpAdd},
    {kOpBatchNorm, kActRelu, "BatchNorm+ReLU+Conv2D", make_batchnorm_relu_conv, kOpConv2d, true},
};

}  // namespace

const FusionEntry* find_fusion(const OpDesc& producer, const OpDesc& reader, bool after_relu) {
  for (const FusionEntry& e : kFusions) {
    if (e.code != producer.code || e.reader != reader.code || e.after_relu != after_relu) continue;
    if (reader.code != kOpActivation || (reader.has("act") && reader.attrs.at("act") == e.act)) return &e;
  }
  return nullptr;
}

const OpEntry* find_op(int code) {
  for (const OpEntry& e : kOps) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

}  // namespace graph
}  // namespace simdtrain

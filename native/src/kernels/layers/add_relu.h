// Residual Add followed by ReLU as one pass each way (the graph's AddRelu
// fusion, graph_fusion.h): the unfused Add and ReLU ops' bits.
#pragma once

#include <cstddef>

namespace simdtrain {

// y[i] = relu(a[i] + b[i]) over n floats (y may be a or b).
void add_relu(size_t n, const float* a, const float* b, float* y);
// g = relu'(z[i]) dy[i] (dy where the output z > 0, else +0) written to da
// and db; either may be null or dy.
void relu_grad_split(size_t n, const float* z, const float* dy, float* da, float* db);

// The same with plain scalar loops (the reference the per-ISA path is tested against, bit for bit).
void add_relu_reference(size_t n, const float* a, const float* b, float* y);
void relu_grad_split_reference(size_t n, const float* z, const float* dy, float* da, float* db);

}  // namespace simdtrain

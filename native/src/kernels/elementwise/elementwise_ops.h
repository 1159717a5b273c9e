// Dispatched element-wise kernels (elementwise_table.h): what the addon calls.
#pragma once

#include <cstddef>

#include "elementwise_table.h"

namespace simdtrain {

void ew_binary(int op, int mode, size_t rows, size_t cols, const float* a, const float* b, float* out);
void ew_step(size_t n, const float* x, float alpha, float* out);

}  // namespace simdtrain

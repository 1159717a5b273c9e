// Drivers of the ReLU + max-pool fusion (relu_maxpool.h): the forward pass
// splits the images over threads; the backward pass splits blocks of 16
// channels (every ISA's lane count divides 16), each walking all rows, so a
// channel's bias sum adds its rows in order for any thread count.
#include "relu_maxpool.h"

#include <algorithm>

#include "pool2d_windows.h"
#include "relu_maxpool_table.h"

namespace simdtrain {

using namespace pool2d_detail;

bool relu_maxpool_fits(const Pool2dShape& s) {
  return !pool2d_check(s) && s.stride_h == s.kh && s.stride_w == s.kw && !s.pad_top && !s.pad_bottom && !s.pad_left &&
         !s.pad_right && static_cast<double>(s.kh) * s.kw < 16777216.0;
}

void relu_maxpool_forward(const Pool2dShape& s, const float* z, float* y, float* code) {
  const ReluMaxpoolKernels& k = SIMDTRAIN_PICK(kReluMaxpoolKernels);
  each_window(s, z, [&](const float* img, const Window& w, size_t o) {
    k.window(img + (w.y0 * s.in_w + w.x0) * s.c, s.in_w * s.c, w.y1 - w.y0, w.x1 - w.x0, s.c, y + o, code + o);
  });
}

void relu_maxpool_backward(const Pool2dShape& s, const float* code, const float* dy, float* dz, float* sums, bool accumulate) {
  const ReluMaxpoolKernels& k = SIMDTRAIN_PICK(kReluMaxpoolKernels);
  const size_t blocks = (s.c + 15) / 16, per_block = std::max<size_t>(1, s.batch * s.in_h * s.in_w * 16);
  parallel_for(blocks, std::max<size_t>(1, kMinFloatsPerTask / per_block), [&](size_t b0, size_t b1) {
    const size_t c0 = b0 * 16, c1 = std::min(b1 * 16, s.c);
    k.grad(s, c1 - c0, code + c0, dy + c0, dz + c0, sums ? sums + c0 : nullptr, accumulate);
  });
}

}  // namespace simdtrain

// 2-D pooling, forward and backward, on NHWC activations.
//
//   x  [batch, in_h, in_w, c]
//   y  [batch, out_h, out_w, c]
//   out_h = (in_h + pad_top + pad_bottom - kh) / stride_h + 1   (floor; no ceil_mode)
//
// Max pooling: padded positions never win (as PyTorch's -inf padding); the
// first maximum in window order (row, then column) wins ties, NaN wins over
// any number (PyTorch's rule), and the backward pass recomputes that argmax
// from x, so nothing but x has to be kept and no stored index is trusted.
// Average pooling divides by kh*kw (count_include_pad, PyTorch's default) or
// by the number of in-bounds positions (TensorFlow/Keras 'same').
// Backward passes overwrite dx. Results do not depend on the thread count.
#pragma once

#include <cstddef>

namespace simdtrain {

struct Pool2dShape {
  size_t batch = 0, in_h = 0, in_w = 0, c = 0;
  size_t kh = 1, kw = 1;
  size_t stride_h = 1, stride_w = 1;
  size_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;

  size_t out_h() const;
  size_t out_w() const;
  size_t x_size() const { return batch * in_h * in_w * c; }
  size_t y_size() const { return batch * out_h() * out_w() * c; }
};

// nullptr when usable, else a message naming the first bad field (zero
// window/stride/size, window larger than the padded input, padding >= window
// (a window that sees only padding), overflowing sizes).
const char* pool2d_check(const Pool2dShape& s);

void maxpool2d_forward(const Pool2dShape& s, const float* x, float* y);
// dx[argmax of each window] += dy (dx zeroed first).
void maxpool2d_backward(const Pool2dShape& s, const float* x, const float* dy, float* dx);

void avgpool2d_forward(const Pool2dShape& s, const float* x, float* y, bool count_include_pad);
void avgpool2d_backward(const Pool2dShape& s, const float* dy, float* dx, bool count_include_pad);

// Global average pooling: x [batch, hw, c] -> y [batch, c] (mean over hw).
void global_avgpool_forward(size_t batch, size_t hw, size_t c, const float* x, float* y);
// dx[n, p, ch] = dy[n, ch] / hw.
void global_avgpool_backward(size_t batch, size_t hw, size_t c, const float* dy, float* dx);

// The plain scalar code (pool2d_reference.cc) the per-ISA kernels above are
// tested against: same arguments, same bits.
void maxpool2d_forward_reference(const Pool2dShape& s, const float* x, float* y);
void maxpool2d_backward_reference(const Pool2dShape& s, const float* x, const float* dy, float* dx);
void avgpool2d_forward_reference(const Pool2dShape& s, const float* x, float* y, bool count_include_pad);
void avgpool2d_backward_reference(const Pool2dShape& s, const float* dy, float* dx, bool count_include_pad);
void global_avgpool_forward_reference(size_t batch, size_t hw, size_t c, const float* x, float* y);
void global_avgpool_backward_reference(size_t batch, size_t hw, size_t c, const float* dy, float* dx);

}  // namespace simdtrain

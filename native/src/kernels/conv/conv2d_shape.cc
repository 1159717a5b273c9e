// Shape arithmetic and validation of Conv2dShape (conv2d.h).
#include <initializer_list>
#include <limits>

#include "conv2d.h"

namespace simdtrain {
namespace {

// Output length of one dimension, 0 when the dilated window does not fit.
size_t out_len(size_t in, size_t pad_a, size_t pad_b, size_t k, size_t stride, size_t dil) {
  if (!stride || !dil || !k) return 0;
  const size_t padded = in + pad_a + pad_b;
  const size_t span = dil * (k - 1) + 1;
  return padded < span ? 0 : (padded - span) / stride + 1;
}

bool mul_ok(size_t a, size_t b, size_t* out) {
  if (a && b > std::numeric_limits<size_t>::max() / a) return false;
  *out = a * b;
  return true;
}

// Every product the kernels form stays below 2^62 (index arithmetic margin).
bool product_ok(std::initializer_list<size_t> factors) {
  size_t p = 1;
  for (size_t f : factors)
    if (!mul_ok(p, f, &p) || p > (size_t{1} << 62)) return false;
  return true;
}

}  // namespace

size_t Conv2dShape::out_h() const { return out_len(in_h, pad_top, pad_bottom, kh, stride_h, dil_h); }
size_t Conv2dShape::out_w() const { return out_len(in_w, pad_left, pad_right, kw, stride_w, dil_w); }

const char* conv2d_check(const Conv2dShape& s) {
  if (!s.in_h || !s.in_w) return "input height and width must be at least 1";
  if (!s.in_c) return "in_c must be at least 1";
  if (!s.out_c) return "out_c must be at least 1";
  if (!s.kh || !s.kw) return "kernel size must be at least 1";
  if (!s.stride_h || !s.stride_w) return "stride must be at least 1";
  if (!s.dil_h || !s.dil_w) return "dilation must be at least 1";
  if (!s.groups) return "groups must be at least 1";
  if (s.in_c % s.groups) return "in_c must be divisible by groups";
  if (s.out_c % s.groups) return "out_c must be divisible by groups";
  const size_t limit = size_t{1} << 30;
  if (s.in_h > limit || s.in_w > limit || s.kh > limit || s.kw > limit || s.pad_top > limit ||
      s.pad_bottom > limit || s.pad_left > limit || s.pad_right > limit || s.dil_h > limit || s.dil_w > limit ||
      s.stride_h > limit || s.stride_w > limit)
    return "a size, padding, stride or dilation is too large";
  if (!product_ok({s.dil_h, s.kh}) || !product_ok({s.dil_w, s.kw})) return "dilated kernel is too large";
  if (!s.out_h() || !s.out_w()) return "the dilated kernel is larger than the padded input";
  if (!product_ok({s.batch, s.in_h, s.in_w, s.in_c}) || !product_ok({s.batch, s.out_h(), s.out_w(), s.out_c}) ||
      !product_ok({s.kh, s.kw, s.in_c, s.out_c}) || !product_ok({s.batch, s.out_h(), s.out_w(), s.kh, s.kw, s.in_c}))
    return "sizes overflow";
  return nullptr;
}

void conv2d_same_padding(size_t in, size_t k, size_t stride, size_t dil, size_t* before, size_t* after) {
  const size_t out = stride ? (in + stride - 1) / stride : 0;
  const size_t need = out ? (out - 1) * stride + dil * (k ? k - 1 : 0) + 1 : 0;
  const size_t total = need > in ? need - in : 0;
  *before = total / 2;
  *after = total - total / 2;
}

}  // namespace simdtrain

// Plain-loop convolution (conv2d.h): direct sums in double, no GEMM, no
// threads. The tests' reference for the fast paths.
#include <vector>

#include "conv2d.h"

namespace simdtrain {
namespace {

// Calls fn(m, co, xi, wi) for every (output pixel, output channel, input
// element, filter element) product of the convolution; m indexes y's pixels.
template <class Fn>
void for_each_tap(const Conv2dShape& s, Fn&& fn) {
  const size_t oh = s.out_h(), ow = s.out_w();
  const size_t cin_g = s.in_c / s.groups, cout_g = s.out_c / s.groups;
  for (size_t n = 0; n < s.batch; ++n)
    for (size_t oy = 0; oy < oh; ++oy)
      for (size_t ox = 0; ox < ow; ++ox) {
        const size_t m = (n * oh + oy) * ow + ox;
        for (size_t co = 0; co < s.out_c; ++co) {
          const size_t g = co / cout_g;
          for (size_t i = 0; i < s.kh; ++i) {
            const long iy = static_cast<long>(oy * s.stride_h + i * s.dil_h) - static_cast<long>(s.pad_top);
            if (iy < 0 || iy >= static_cast<long>(s.in_h)) continue;
            for (size_t j = 0; j < s.kw; ++j) {
              const long ix = static_cast<long>(ox * s.stride_w + j * s.dil_w) - static_cast<long>(s.pad_left);
              if (ix < 0 || ix >= static_cast<long>(s.in_w)) continue;
              for (size_t ci = 0; ci < cin_g; ++ci) {
                const size_t xi = ((n * s.in_h + iy) * s.in_w + ix) * s.in_c + g * cin_g + ci;
                const size_t wi = ((i * s.kw + j) * cin_g + ci) * s.out_c + co;
                fn(m, co, xi, wi);
              }
            }
          }
        }
      }
}

}  // namespace

void conv2d_forward_reference(const Conv2dShape& s, const float* x, const float* w, const float* bias, Activation act,
                              float* y) {
  std::vector<double> acc(s.y_size(), 0.0);
  for_each_tap(s, [&](size_t m, size_t co, size_t xi, size_t wi) {
    acc[m * s.out_c + co] += static_cast<double>(x[xi]) * w[wi];
  });
  for (size_t i = 0; i < acc.size(); ++i) {
    double v = acc[i] + (bias ? bias[i % s.out_c] : 0.0);
    if (act == Activation::relu && !(v > 0)) v = 0;
    y[i] = static_cast<float>(v);
  }
}

void conv2d_backward_reference(const Conv2dShape& s, const float* x, const float* w, const float* dy, float* dx,
                               float* dw, float* db, bool accumulate) {
  std::vector<double> gx(dx ? s.x_size() : 0, 0.0), gw(dw ? s.w_size() : 0, 0.0), gb(db ? s.out_c : 0, 0.0);
  for_each_tap(s, [&](size_t m, size_t co, size_t xi, size_t wi) {
    const double g = dy[m * s.out_c + co];
    if (dx) gx[xi] += g * w[wi];
    if (dw) gw[wi] += g * x[xi];
  });
  if (db)
    for (size_t m = 0; m < s.y_size(); ++m) gb[m % s.out_c] += dy[m];
  for (size_t i = 0; i < gx.size(); ++i) dx[i] = static_cast<float>(gx[i]);
  for (size_t i = 0; i < gw.size(); ++i) dw[i] = static_cast<float>(gw[i] + (accumulate ? dw[i] : 0.0));
  for (size_t i = 0; i < gb.size(); ++i) db[i] = static_cast<float>(gb[i] + (accumulate ? db[i] : 0.0));
}

}  // namespace simdtrain

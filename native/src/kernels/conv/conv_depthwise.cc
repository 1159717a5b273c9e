// Direct depthwise convolution (conv_depthwise.h). Out-of-range taps are
// skipped per output pixel; the inner loops run over output channels co,
// whose input channel is co / multiplier. Every sum has a fixed order:
// forward and input-gradient work is split by output row / image, the filter
// gradient by fixed parts of the batch added in order.
#include "conv_depthwise.h"

#include <algorithm>
#include <cstring>

#include "../../core/thread_pool.h"

namespace simdtrain {
namespace {

// Calls fn(out_pixel_index, x_pixel_offset, tap) for every in-range tap of
// output pixel (n, oy, ox); x_pixel_offset is the input pixel's first float.
template <class Fn>
void for_each_tap(const Conv2dShape& s, size_t n, size_t oy, size_t ox, Fn&& fn) {
  for (size_t i = 0; i < s.kh; ++i) {
    const long iy = static_cast<long>(oy * s.stride_h + i * s.dil_h) - static_cast<long>(s.pad_top);
    if (iy < 0 || iy >= static_cast<long>(s.in_h)) continue;
    for (size_t j = 0; j < s.kw; ++j) {
      const long ix = static_cast<long>(ox * s.stride_w + j * s.dil_w) - static_cast<long>(s.pad_left);
      if (ix < 0 || ix >= static_cast<long>(s.in_w)) continue;
      fn(((n * s.in_h + static_cast<size_t>(iy)) * s.in_w + static_cast<size_t>(ix)) * s.in_c, i * s.kw + j);
    }
  }
}

size_t min_rows(const Conv2dShape& s) {
  const size_t per_row = s.out_w() * s.out_c * s.kh * s.kw;
  return std::max<size_t>(1, (size_t{1} << 15) / std::max<size_t>(per_row, 1));
}

}  // namespace

void depthwise_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias, Activation act, float* y) {
  const size_t oh = s.out_h(), ow = s.out_w(), cout = s.out_c, mult = s.out_c / s.in_c;
  parallel_for(s.batch * oh, min_rows(s), [&](size_t b, size_t e) {
    for (size_t t = b; t < e; ++t) {
      const size_t n = t / oh, oy = t % oh;
      for (size_t ox = 0; ox < ow; ++ox) {
        float* out = y + (t * ow + ox) * cout;
        std::memset(out, 0, cout * sizeof(float));
        for_each_tap(s, n, oy, ox, [&](size_t xo, size_t tap) {
          const float* xp = x + xo;
          const float* wp = w + tap * cout;
          if (mult == 1) {
            for (size_t c = 0; c < cout; ++c) out[c] += xp[c] * wp[c];
          } else {
            for (size_t co = 0; co < cout; ++co) out[co] += xp[co / mult] * wp[co];
          }
        });
        if (bias)
          for (size_t c = 0; c < cout; ++c) out[c] += bias[c];
        if (act == Activation::relu)
          for (size_t c = 0; c < cout; ++c) out[c] = out[c] > 0.0f ? out[c] : 0.0f;
      }
    }
  });
}

namespace {

// dx of image n (image floats at out), overwritten.
void image_input_grad(const Conv2dShape& s, const float* w, const float* dy, size_t n, float* out) {
  const size_t oh = s.out_h(), ow = s.out_w(), cout = s.out_c, mult = s.out_c / s.in_c;
  const size_t image = s.in_h * s.in_w * s.in_c;
  std::memset(out, 0, image * sizeof(float));
  for (size_t oy = 0; oy < oh; ++oy)
    for (size_t ox = 0; ox < ow; ++ox) {
      const float* g = dy + ((n * oh + oy) * ow + ox) * cout;
      for_each_tap(s, n, oy, ox, [&](size_t xo, size_t tap) {
        float* d = out + (xo - n * image);  // xo counts from image 0
        const float* wp = w + tap * cout;
        if (mult == 1) {
          for (size_t c = 0; c < cout; ++c) d[c] += g[c] * wp[c];
        } else {
          for (size_t co = 0; co < cout; ++co) d[co / mult] += g[co] * wp[co];
        }
      });
    }
}

}  // namespace

void depthwise_backward_input(const Conv2dShape& s, const float* w, const float* dy, float* dx, bool accumulate,
                              float* workspace) {
  const size_t image = s.in_h * s.in_w * s.in_c;
  if (!accumulate) {
    parallel_for(s.batch, std::max<size_t>(1, min_rows(s) / std::max<size_t>(s.out_h(), 1)), [&](size_t b, size_t e) {
      for (size_t n = b; n < e; ++n) image_input_grad(s, w, dy, n, dx + n * image);
    });
    return;
  }
  // Accumulate: kDepthwiseParts images at a time into the workspace, then added.
  for (size_t n0 = 0; n0 < s.batch; n0 += kDepthwiseParts) {
    const size_t count = std::min(kDepthwiseParts, s.batch - n0);
    parallel_for(count, 1, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) image_input_grad(s, w, dy, n0 + i, workspace + i * image);
    });
    float* out = dx + n0 * image;
    parallel_for(count * image, 1 << 14, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) out[i] += workspace[i];
    });
  }
}

void depthwise_backward_filter(const Conv2dShape& s, const float* x, const float* dy, float* dw, bool accumulate,
                               float* workspace) {
  const size_t oh = s.out_h(), ow = s.out_w(), cout = s.out_c, mult = s.out_c / s.in_c, wn = s.w_size();
  const size_t parts = std::min(kDepthwiseParts, s.batch);
  parallel_for(parts, 1, [&](size_t b, size_t e) {
    for (size_t part = b; part < e; ++part) {
      float* acc = workspace + part * wn;
      std::memset(acc, 0, wn * sizeof(float));
      for (size_t n = s.batch * part / parts; n < s.batch * (part + 1) / parts; ++n)
        for (size_t oy = 0; oy < oh; ++oy)
          for (size_t ox = 0; ox < ow; ++ox) {
            const float* g = dy + ((n * oh + oy) * ow + ox) * cout;
            for_each_tap(s, n, oy, ox, [&](size_t xo, size_t tap) {
              const float* xp = x + xo;
              float* a = acc + tap * cout;
              if (mult == 1) {
                for (size_t c = 0; c < cout; ++c) a[c] += xp[c] * g[c];
              } else {
                for (size_t co = 0; co < cout; ++co) a[co] += xp[co / mult] * g[co];
              }
            });
          }
    }
  });
  for (size_t i = 0; i < wn; ++i) {
    float v = accumulate ? dw[i] : 0.0f;
    for (size_t part = 0; part < parts; ++part) v += workspace[part * wn + i];
    dw[i] = v;
  }
}

}  // namespace simdtrain

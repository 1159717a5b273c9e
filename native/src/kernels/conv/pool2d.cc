// Max / average / global-average pooling on NHWC (pool2d.h). Each output
// pixel's channels are contiguous, so the inner loops run over channels;
// work is split over images (the backward passes scatter inside one image,
// so a per-image split keeps every sum's order fixed).
#include "pool2d.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "../../core/thread_pool.h"

namespace simdtrain {
namespace {

size_t out_len(size_t in, size_t pad_a, size_t pad_b, size_t k, size_t stride) {
  if (!stride || !k) return 0;
  const size_t padded = in + pad_a + pad_b;
  return padded < k ? 0 : (padded - k) / stride + 1;
}

// Below this many floats per image a thread hand-off costs more than it saves.
constexpr size_t kMinFloatsPerTask = 1 << 14;

template <class Fn>
void per_image(const Pool2dShape& s, Fn&& fn) {
  const size_t per = std::max<size_t>(1, s.in_h * s.in_w * s.c);
  parallel_for(s.batch, std::max<size_t>(1, kMinFloatsPerTask / per), [&](size_t b, size_t e) {
    for (size_t n = b; n < e; ++n) fn(n);
  });
}

// The in-bounds window of output pixel (oy, ox): rows [y0, y1), cols [x0, x1).
struct Window {
  size_t y0, y1, x0, x1;
};

Window window(const Pool2dShape& s, size_t oy, size_t ox) {
  const long ty = static_cast<long>(oy * s.stride_h) - static_cast<long>(s.pad_top);
  const long tx = static_cast<long>(ox * s.stride_w) - static_cast<long>(s.pad_left);
  Window w;
  w.y0 = static_cast<size_t>(std::max<long>(ty, 0));
  w.y1 = static_cast<size_t>(std::min<long>(ty + static_cast<long>(s.kh), static_cast<long>(s.in_h)));
  w.x0 = static_cast<size_t>(std::max<long>(tx, 0));
  w.x1 = static_cast<size_t>(std::min<long>(tx + static_cast<long>(s.kw), static_cast<long>(s.in_w)));
  return w;
}

// Calls fn(w, o) for every output pixel of image n: its window w and the
// offset o of its channels in y / dy.
template <class Fn>
void for_each_window(const Pool2dShape& s, size_t n, Fn&& fn) {
  const size_t oh = s.out_h(), ow = s.out_w();
  for (size_t oy = 0; oy < oh; ++oy)
    for (size_t ox = 0; ox < ow; ++ox) fn(window(s, oy, ox), ((n * oh + oy) * ow + ox) * s.c);
}

// The divisor of an average window.
float avg_count(const Pool2dShape& s, const Window& w, bool count_include_pad) {
  if (!count_include_pad) return static_cast<float>((w.y1 - w.y0) * (w.x1 - w.x0));
  return static_cast<float>(s.kh * s.kw);
}

// PyTorch's rule: a later value replaces the running max when greater, or NaN.
inline bool beats(float v, float best) { return v > best || v != v; }

}  // namespace

size_t Pool2dShape::out_h() const { return out_len(in_h, pad_top, pad_bottom, kh, stride_h); }
size_t Pool2dShape::out_w() const { return out_len(in_w, pad_left, pad_right, kw, stride_w); }

const char* pool2d_check(const Pool2dShape& s) {
  if (!s.in_h || !s.in_w) return "input height and width must be at least 1";
  if (!s.c) return "channels must be at least 1";
  if (!s.kh || !s.kw) return "pool size must be at least 1";
  if (!s.stride_h || !s.stride_w) return "stride must be at least 1";
  const size_t limit = size_t{1} << 30;
  if (s.in_h > limit || s.in_w > limit || s.kh > limit || s.kw > limit || s.stride_h > limit || s.stride_w > limit ||
      s.pad_top > limit || s.pad_bottom > limit || s.pad_left > limit || s.pad_right > limit)
    return "a size, padding or stride is too large";
  if (s.pad_top >= s.kh || s.pad_bottom >= s.kh || s.pad_left >= s.kw || s.pad_right >= s.kw)
    return "padding must be smaller than the pool size";
  if (!s.out_h() || !s.out_w()) return "the pool window is larger than the padded input";
  const double elems = static_cast<double>(s.batch) * s.in_h * s.in_w * s.c;
  if (elems > 4e18) return "sizes overflow";
  return nullptr;
}

void maxpool2d_forward(const Pool2dShape& s, const float* x, float* y) {
  const size_t c = s.c;
  per_image(s, [&](size_t n) {
    const float* img = x + n * s.in_h * s.in_w * c;
    for_each_window(s, n, [&](const Window& w, size_t o) {
        float* out = y + o;
        // Windows are never empty (pad < pool size), so the first in-bounds
        // element starts the running max.
        std::memcpy(out, img + (w.y0 * s.in_w + w.x0) * c, c * sizeof(float));
        for (size_t iy = w.y0; iy < w.y1; ++iy)
          for (size_t ix = w.x0; ix < w.x1; ++ix) {
            const float* px = img + (iy * s.in_w + ix) * c;
            for (size_t ch = 0; ch < c; ++ch) out[ch] = beats(px[ch], out[ch]) ? px[ch] : out[ch];
          }
      });
  });
}

void maxpool2d_backward(const Pool2dShape& s, const float* x, const float* dy, float* dx) {
  const size_t c = s.c;
  per_image(s, [&](size_t n) {
    const size_t img_size = s.in_h * s.in_w * c;
    const float* img = x + n * img_size;
    float* dimg = dx + n * img_size;
    std::memset(dimg, 0, img_size * sizeof(float));
    for_each_window(s, n, [&](const Window& w, size_t o) {
        const float* g = dy + o;
        const size_t first = (w.y0 * s.in_w + w.x0) * c;
        for (size_t ch = 0; ch < c; ++ch) {
          size_t best = first + ch;
          for (size_t iy = w.y0; iy < w.y1; ++iy)
            for (size_t ix = w.x0; ix < w.x1; ++ix) {
              const size_t at = (iy * s.in_w + ix) * c + ch;
              if (beats(img[at], img[best])) best = at;
            }
          dimg[best] += g[ch];
        }
      });
  });
}

void avgpool2d_forward(const Pool2dShape& s, const float* x, float* y, bool count_include_pad) {
  const size_t c = s.c;
  per_image(s, [&](size_t n) {
    const float* img = x + n * s.in_h * s.in_w * c;
    for_each_window(s, n, [&](const Window& w, size_t o) {
        float* out = y + o;
        std::memset(out, 0, c * sizeof(float));
        for (size_t iy = w.y0; iy < w.y1; ++iy)
          for (size_t ix = w.x0; ix < w.x1; ++ix) {
            const float* px = img + (iy * s.in_w + ix) * c;
            for (size_t ch = 0; ch < c; ++ch) out[ch] += px[ch];
          }
        const float inv = 1.0f / avg_count(s, w, count_include_pad);
        for (size_t ch = 0; ch < c; ++ch) out[ch] *= inv;
      });
  });
}

void avgpool2d_backward(const Pool2dShape& s, const float* dy, float* dx, bool count_include_pad) {
  const size_t c = s.c;
  per_image(s, [&](size_t n) {
    const size_t img_size = s.in_h * s.in_w * c;
    float* dimg = dx + n * img_size;
    std::memset(dimg, 0, img_size * sizeof(float));
    for_each_window(s, n, [&](const Window& w, size_t o) {
        const float* g = dy + o;
        const float inv = 1.0f / avg_count(s, w, count_include_pad);
        for (size_t iy = w.y0; iy < w.y1; ++iy)
          for (size_t ix = w.x0; ix < w.x1; ++ix) {
            float* px = dimg + (iy * s.in_w + ix) * c;
            for (size_t ch = 0; ch < c; ++ch) px[ch] += g[ch] * inv;
          }
      });
  });
}

void global_avgpool_forward(size_t batch, size_t hw, size_t c, const float* x, float* y) {
  const float inv = hw ? 1.0f / static_cast<float>(hw) : 0.0f;
  parallel_for(batch, std::max<size_t>(1, kMinFloatsPerTask / std::max<size_t>(1, hw * c)), [&](size_t b, size_t e) {
    for (size_t n = b; n < e; ++n) {
      float* out = y + n * c;
      std::memset(out, 0, c * sizeof(float));
      for (size_t p = 0; p < hw; ++p) {
        const float* px = x + (n * hw + p) * c;
        for (size_t ch = 0; ch < c; ++ch) out[ch] += px[ch];
      }
      for (size_t ch = 0; ch < c; ++ch) out[ch] *= inv;
    }
  });
}

void global_avgpool_backward(size_t batch, size_t hw, size_t c, const float* dy, float* dx) {
  const float inv = hw ? 1.0f / static_cast<float>(hw) : 0.0f;
  parallel_for(batch, std::max<size_t>(1, kMinFloatsPerTask / std::max<size_t>(1, hw * c)), [&](size_t b, size_t e) {
    for (size_t n = b; n < e; ++n)
      for (size_t p = 0; p < hw; ++p) {
        float* px = dx + (n * hw + p) * c;
        for (size_t ch = 0; ch < c; ++ch) px[ch] = dy[n * c + ch] * inv;
      }
  });
}

}  // namespace simdtrain

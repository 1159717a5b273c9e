// Window geometry shared by the pooling kernels (pool2d.cc) and their scalar
// reference (pool2d_reference.cc): output sizes, the in-bounds window of an
// output pixel, per-image threading.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "../../core/thread_pool.h"
#include "pool2d.h"

namespace simdtrain {
namespace pool2d_detail {

inline size_t out_len(size_t in, size_t pad_a, size_t pad_b, size_t k, size_t stride) {
  if (!stride || !k) return 0;
  const size_t padded = in + pad_a + pad_b;
  return padded < k ? 0 : (padded - k) / stride + 1;
}

// Below this many floats per image a thread hand-off costs more than it saves.
constexpr size_t kMinFloatsPerTask = 1 << 14;

template <class Fn>
inline void per_image(const Pool2dShape& s, Fn&& fn) {
  const size_t per = std::max<size_t>(1, s.in_h * s.in_w * s.c);
  parallel_for(s.batch, std::max<size_t>(1, kMinFloatsPerTask / per), [&](size_t b, size_t e) {
    for (size_t n = b; n < e; ++n) fn(n);
  });
}

// The in-bounds window of output pixel (oy, ox): rows [y0, y1), cols [x0, x1).
struct Window {
  size_t y0, y1, x0, x1;
};

inline Window window(const Pool2dShape& s, size_t oy, size_t ox) {
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
inline void for_each_window(const Pool2dShape& s, size_t n, Fn&& fn) {
  const size_t oh = s.out_h(), ow = s.out_w();
  for (size_t oy = 0; oy < oh; ++oy)
    for (size_t ox = 0; ox < ow; ++ox) fn(window(s, oy, ox), ((n * oh + oy) * ow + ox) * s.c);
}

// fn(img, w, o) for every output pixel of the batch, image by image (threads
// split the images): img is its image in x, w its window, o the offset of its
// channels in y / dy.
template <class Fn>
inline void each_window(const Pool2dShape& s, const float* x, Fn&& fn) {
  const size_t img_size = s.in_h * s.in_w * s.c;
  per_image(s, [&](size_t n) {
    const float* img = x ? x + n * img_size : nullptr;
    for_each_window(s, n, [&](const Window& w, size_t o) { fn(img, w, o); });
  });
}

// The backward passes' walk: as each_window, with dimg the image's gradient
// in dx, cleared before its windows are visited when `clear`.
template <class Fn>
inline void each_window_grad(const Pool2dShape& s, const float* x, float* dx, bool clear, Fn&& fn) {
  const size_t img_size = s.in_h * s.in_w * s.c;
  per_image(s, [&](size_t n) {
    const float* img = x ? x + n * img_size : nullptr;
    float* dimg = dx + n * img_size;
    if (clear) std::memset(dimg, 0, img_size * sizeof(float));
    for_each_window(s, n, [&](const Window& w, size_t o) { fn(img, dimg, w, o); });
  });
}

// The divisor of an average window.
inline float avg_count(const Pool2dShape& s, const Window& w, bool count_include_pad) {
  if (!count_include_pad) return static_cast<float>((w.y1 - w.y0) * (w.x1 - w.x0));
  return static_cast<float>(s.kh * s.kw);
}

// PyTorch's rule: a later value replaces the running max when greater, or NaN.
inline bool beats(float v, float best) { return v > best || v != v; }

}  // namespace pool2d_detail
}  // namespace simdtrain

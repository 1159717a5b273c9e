// The plain scalar pooling kernels (pool2d.h's *_reference): the reference
// the per-ISA kernels of pool2d.cc are tested against, bit for bit.
#include <cstring>

#include "pool2d.h"
#include "pool2d_windows.h"

namespace simdtrain {

using namespace pool2d_detail;

void maxpool2d_forward_reference(const Pool2dShape& s, const float* x, float* y) {
  const size_t c = s.c;
  each_window(s, x, [&](const float* img, const Window& w, size_t o) {
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
}

void maxpool2d_backward_reference(const Pool2dShape& s, const float* x, const float* dy, float* dx) {
  const size_t c = s.c;
  each_window_grad(s, x, dx, true, [&](const float* img, float* dimg, const Window& w, size_t o) {
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
}

void avgpool2d_forward_reference(const Pool2dShape& s, const float* x, float* y, bool count_include_pad) {
  const size_t c = s.c;
  each_window(s, x, [&](const float* img, const Window& w, size_t o) {
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
}

void avgpool2d_backward_reference(const Pool2dShape& s, const float* dy, float* dx, bool count_include_pad) {
  const size_t c = s.c;
  each_window_grad(s, nullptr, dx, true, [&](const float*, float* dimg, const Window& w, size_t o) {
    const float* g = dy + o;
    const float inv = 1.0f / avg_count(s, w, count_include_pad);
    for (size_t iy = w.y0; iy < w.y1; ++iy)
      for (size_t ix = w.x0; ix < w.x1; ++ix) {
        float* px = dimg + (iy * s.in_w + ix) * c;
        for (size_t ch = 0; ch < c; ++ch) px[ch] += g[ch] * inv;
      }
  });
}

void global_avgpool_forward_reference(size_t batch, size_t hw, size_t c, const float* x, float* y) {
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

void global_avgpool_backward_reference(size_t batch, size_t hw, size_t c, const float* dy, float* dx) {
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

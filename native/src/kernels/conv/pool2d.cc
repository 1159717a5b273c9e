// Max / average / global-average pooling on NHWC (pool2d.h). Each output
// pixel's channels are contiguous, so the per-ISA inner loops
// (kernels/layers/layer_table.h) run over channels, a window at a time; work
// is split over images (the backward passes scatter inside one image, so a
// per-image split keeps every sum's order fixed). Same bits as the scalar
// reference (pool2d_reference.cc) on every ISA.
#include "pool2d.h"

#include <cstring>
#include <vector>

#include "../layers/layer_table.h"
#include "pool2d_windows.h"

namespace simdtrain {

using namespace pool2d_detail;

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
  const LayerKernels& k = SIMDTRAIN_PICK(kLayerKernels);
  each_window(s, x, [&](const float* img, const Window& w, size_t o) {
    k.window_max(img + (w.y0 * s.in_w + w.x0) * s.c, s.in_w * s.c, w.y1 - w.y0, w.x1 - w.x0, s.c, y + o, nullptr);
  });
}

// Windows that cannot overlap (stride >= pool size) write their pixels'
// gradients directly (window_max_grad); an image is cleared first only when
// some pixel lies in no window. Overlapping windows add at the argmax.
void maxpool2d_backward(const Pool2dShape& s, const float* x, const float* dy, float* dx) {
  const LayerKernels& k = SIMDTRAIN_PICK(kLayerKernels);
  const double window_px = static_cast<double>(s.kh) * s.kw;
  // Window indices are 32-bit in the vector kernel; a window of 2^32 pixels takes the reference.
  if (window_px >= 4294967295.0) return maxpool2d_backward_reference(s, x, dy, dx);
  const size_t c = s.c, row = s.in_w * c;
  const bool disjoint = s.stride_h >= s.kh && s.stride_w >= s.kw && window_px < 16777216.0;
  if (disjoint) {
    const bool covered = !s.pad_top && !s.pad_bottom && !s.pad_left && !s.pad_right && s.out_h() * s.kh == s.in_h &&
                         s.out_w() * s.kw == s.in_w;
    return each_window_grad(s, x, dx, !covered, [&](const float* img, float* dimg, const Window& w, size_t o) {
      const size_t first = (w.y0 * s.in_w + w.x0) * c;
      k.window_max_grad(img + first, dimg + first, row, w.y1 - w.y0, w.x1 - w.x0, c, dy + o);
    });
  }
  each_window_grad(s, x, dx, true, [&](const float* img, float* dimg, const Window& w, size_t o) {
    thread_local std::vector<float> best;
    thread_local std::vector<uint32_t> arg;
    best.resize(c);
    arg.resize(c);
    const size_t nx = w.x1 - w.x0;
    k.window_max(img + (w.y0 * s.in_w + w.x0) * c, row, w.y1 - w.y0, nx, c, best.data(), arg.data());
    const float* g = dy + o;
    for (size_t ch = 0; ch < c; ++ch) {
      const size_t iy = w.y0 + arg[ch] / nx, ix = w.x0 + arg[ch] % nx;
      dimg[(iy * s.in_w + ix) * c + ch] += g[ch];
    }
  });
}

void avgpool2d_forward(const Pool2dShape& s, const float* x, float* y, bool count_include_pad) {
  const LayerKernels& k = SIMDTRAIN_PICK(kLayerKernels);
  each_window(s, x, [&](const float* img, const Window& w, size_t o) {
    const float inv = 1.0f / avg_count(s, w, count_include_pad);
    k.window_sum(img + (w.y0 * s.in_w + w.x0) * s.c, s.in_w * s.c, w.y1 - w.y0, w.x1 - w.x0, s.c, inv, y + o);
  });
}

void avgpool2d_backward(const Pool2dShape& s, const float* dy, float* dx, bool count_include_pad) {
  const LayerKernels& k = SIMDTRAIN_PICK(kLayerKernels);
  each_window_grad(s, nullptr, dx, true, [&](const float*, float* dimg, const Window& w, size_t o) {
    const float inv = 1.0f / avg_count(s, w, count_include_pad);
    k.window_add(dimg + (w.y0 * s.in_w + w.x0) * s.c, s.in_w * s.c, w.y1 - w.y0, w.x1 - w.x0, s.c, dy + o, inv);
  });
}

void global_avgpool_forward(size_t batch, size_t hw, size_t c, const float* x, float* y) {
  const LayerKernels& k = SIMDTRAIN_PICK(kLayerKernels);
  const float inv = hw ? 1.0f / static_cast<float>(hw) : 0.0f;
  parallel_for(batch, std::max<size_t>(1, kMinFloatsPerTask / std::max<size_t>(1, hw * c)), [&](size_t b, size_t e) {
    for (size_t n = b; n < e; ++n) k.window_sum(x + n * hw * c, hw * c, 1, hw, c, inv, y + n * c);
  });
}

void global_avgpool_backward(size_t batch, size_t hw, size_t c, const float* dy, float* dx) {
  const LayerKernels& k = SIMDTRAIN_PICK(kLayerKernels);
  const float inv = hw ? 1.0f / static_cast<float>(hw) : 0.0f;
  parallel_for(batch, std::max<size_t>(1, kMinFloatsPerTask / std::max<size_t>(1, hw * c)), [&](size_t b, size_t e) {
    for (size_t n = b; n < e; ++n) k.broadcast_scale(hw, c, dy + n * c, inv, dx + n * hw * c);
  });
}

}  // namespace simdtrain

// Direct convolution driver (conv_direct_path.h) over the per-ISA rows of
// conv_direct.h.
#include "conv_direct_path.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "../../core/thread_pool.h"
#include "conv_direct.h"
#include "conv_im2col.h"

namespace simdtrain {
namespace {

const ConvDirectKernels& direct() { return SIMDTRAIN_PICK(kConvDirectKernels); }

// A batch of NHWC images zero-padded: [count, h + pt + pb, w + pl + pr, c].
struct Padded {
  size_t h, w, pt, pb, pl, pr, c;
  size_t ph() const { return h + pt + pb; }
  size_t pw() const { return w + pl + pr; }
  size_t image() const { return ph() * pw() * c; }
  bool any() const { return pt || pb || pl || pr; }
  // Images per chunk so a chunk stays within the column budget.
  size_t chunk(size_t batch) const {
    return any() ? std::max<size_t>(1, std::min(batch, kColBudgetFloats / std::max<size_t>(image(), 1))) : batch;
  }
  size_t floats(size_t batch) const { return any() && batch ? chunk(batch) * image() : 0; }
};

// Each padded float written once: the border rows and columns cleared, the rest copied.
void pad_images(const Padded& p, const float* src, size_t count, float* dst) {
  const size_t row = p.pw() * p.c;
  parallel_for(count, 1, [&](size_t b, size_t e) {
    for (size_t n = b; n < e; ++n) {
      float* img = dst + n * p.image();
      std::memset(img, 0, p.pt * row * sizeof(float));
      std::memset(img + (p.pt + p.h) * row, 0, p.pb * row * sizeof(float));
      for (size_t y = 0; y < p.h; ++y) {
        float* out = img + (y + p.pt) * row;
        std::memset(out, 0, p.pl * p.c * sizeof(float));
        std::memcpy(out + p.pl * p.c, src + (n * p.h + y) * p.w * p.c, p.w * p.c * sizeof(float));
        std::memset(out + (p.pl + p.w) * p.c, 0, p.pr * p.c * sizeof(float));
      }
    }
  });
}

Padded forward_padding(const Conv2dShape& s) {
  return Padded{s.in_h, s.in_w, s.pad_top, s.pad_bottom, s.pad_left, s.pad_right, s.in_c};
}

// dy padded so the input gradient is a stride-1 convolution of it.
Padded dgrad_padding(const Conv2dShape& s) {
  const size_t sy = s.dil_h * (s.kh - 1), sx = s.dil_w * (s.kw - 1);
  return Padded{s.out_h(), s.out_w(), sy - s.pad_top, sy - s.pad_bottom, sx - s.pad_left, sx - s.pad_right, s.out_c};
}

bool direct_shape_ok(const Conv2dShape& s) { return s.groups == 1 && !im2col_in_place(s); }
bool direct_dgrad_shape_ok(const Conv2dShape& s) {
  return direct_shape_ok(s) && s.stride_h == 1 && s.stride_w == 1 &&
         s.pad_top <= s.dil_h * (s.kh - 1) && s.pad_bottom <= s.dil_h * (s.kh - 1) &&
         s.pad_left <= s.dil_w * (s.kw - 1) && s.pad_right <= s.dil_w * (s.kw - 1);
}

// Output rows [0, out_rows) of `count` images through the direct kernel:
// src holds the (padded) inputs, `tmpl` the per-shape fields of a row.
void direct_rows(const Padded& p, const float* src, size_t count, size_t out_rows, size_t stride_h, size_t dil_h,
                 ConvDirectRow tmpl, float* y) {
  const auto& k = direct();
  const size_t row_floats = p.pw() * p.c, y_row = tmpl.ow * tmpl.cout;
  const size_t work = tmpl.ow * tmpl.cout * tmpl.kh * tmpl.kw * tmpl.cin;
  parallel_for(count * out_rows, std::max<size_t>(1, (size_t{1} << 16) / std::max<size_t>(work, 1)), [&](size_t b, size_t e) {
    for (size_t t = b; t < e; ++t) {
      ConvDirectRow r = tmpl;
      r.x = src + (t / out_rows) * p.image() + (t % out_rows) * stride_h * row_floats;
      r.tap_row = dil_h * row_floats;
      r.y = y + t * y_row;
      k.row(r);
    }
  });
}

// All images of a batch, in chunks padded into pad_buffer when p has padding.
void direct_batch(const Padded& p, const float* src, size_t batch, size_t out_rows, size_t stride_h, size_t dil_h,
                  const ConvDirectRow& t, float* y, float* pad_buffer) {
  const size_t chunk = p.chunk(batch);
  for (size_t n0 = 0; n0 < batch; n0 += chunk) {
    const size_t count = std::min(chunk, batch - n0);
    const float* in = src + n0 * p.h * p.w * p.c;
    if (p.any()) {
      pad_images(p, in, count, pad_buffer);
      in = pad_buffer;
    }
    direct_rows(p, in, count, out_rows, stride_h, dil_h, t, y + n0 * out_rows * t.ow * t.cout);
  }
}

// The direct filter gradient sums each chunk's images in this many fixed
// parts (in parallel, then added in order): the bits do not depend on threads.
constexpr size_t kWgradParts = 4;

size_t wgrad_floats(const Conv2dShape& s) { return kWgradParts * s.w_size() + forward_padding(s).floats(s.batch); }

// The row kernel's arguments of a pass reading cin channels (pixels
// px_stride floats apart) through the filter w into cout channels of ow
// outputs per row; no bias, no ReLU.
ConvDirectRow row_args(const Conv2dShape& s, size_t px_stride, size_t cin, const float* w, size_t cout, size_t ow) {
  ConvDirectRow t{};
  t.px_stride = px_stride;
  t.tap_col = s.dil_w * cin;
  t.kh = s.kh;
  t.kw = s.kw;
  t.cin = cin;
  t.w = w;
  t.cout = cout;
  t.ow = ow;
  return t;
}

}  // namespace

bool direct_forward_ok(const Conv2dShape& s) { return direct_shape_ok(s) && s.out_c % direct().lanes == 0; }
bool direct_input_ok(const Conv2dShape& s) { return direct_dgrad_shape_ok(s) && s.in_c % direct().lanes == 0; }
bool direct_filter_ok(const Conv2dShape& s) { return direct_forward_ok(s) && s.kh * s.kw > 1; }
size_t direct_lanes() { return direct().lanes; }

size_t direct_workspace_floats(const Conv2dShape& s) {
  size_t need = 0;
  if (!s.batch) return 0;
  if (direct_shape_ok(s)) need = wgrad_floats(s);
  if (direct_dgrad_shape_ok(s)) need = std::max(need, s.kh * s.kw * s.in_c * s.out_c + dgrad_padding(s).floats(s.batch));
  return need;
}

void direct_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias,
                    Activation act, float* y, float* workspace) {
  const Padded p = forward_padding(s);
  ConvDirectRow t = row_args(s, s.stride_w * s.in_c, s.in_c, w, s.out_c, s.out_w());
  t.bias = bias;
  t.relu = act == Activation::relu;
  direct_batch(p, x, s.batch, s.out_h(), s.stride_h, s.dil_h, t, y, workspace);
}

// Workspace: [flipped filter kh*kw*out_c*in_c][padded dy chunk].
void direct_backward_input(const Conv2dShape& s, const float* w, const float* dy, float* dx, float* workspace,
                           bool accumulate) {
  if (!s.batch) return;  // the workspace may be empty
  const size_t taps = s.kh * s.kw;
  float* wt = workspace;
  for (size_t tap = 0; tap < taps; ++tap)
    for (size_t ci = 0; ci < s.in_c; ++ci)
      for (size_t co = 0; co < s.out_c; ++co)
        wt[(tap * s.out_c + co) * s.in_c + ci] = w[((taps - 1 - tap) * s.in_c + ci) * s.out_c + co];
  const Padded p = dgrad_padding(s);
  const size_t chunk = p.chunk(s.batch);
  float* padded = workspace + taps * s.in_c * s.out_c;
  ConvDirectRow t = row_args(s, s.out_c, s.out_c, wt, s.in_c, s.in_w);
  t.accumulate = accumulate;
  direct_batch(p, dy, s.batch, s.in_h, 1, s.dil_h, t, dx, padded);
}

// Workspace: [kWgradParts partial dW][padded x chunk].
void direct_backward_filter(const Conv2dShape& s, const float* x, const float* dy, float* dw, bool accumulate,
                  float* workspace) {
  const auto& k = direct();
  const Padded p = forward_padding(s);
  const size_t K = s.kh * s.kw * s.in_c, wn = s.w_size(), row = p.pw() * s.in_c;
  std::vector<size_t> off(K);
  for (size_t i = 0; i < s.kh; ++i)
    for (size_t j = 0; j < s.kw; ++j)
      for (size_t ci = 0; ci < s.in_c; ++ci) off[(i * s.kw + j) * s.in_c + ci] = i * s.dil_h * row + j * s.dil_w * s.in_c + ci;
  float* partial = workspace;
  float* padded = workspace + kWgradParts * wn;
  const size_t chunk = p.chunk(s.batch);
  bool first = !accumulate;
  for (size_t n0 = 0; n0 < s.batch; n0 += chunk) {
    const size_t count = std::min(chunk, s.batch - n0);
    const float* src = x + n0 * s.in_h * s.in_w * s.in_c;
    if (p.any()) {
      pad_images(p, src, count, padded);
      src = padded;
    }
    const size_t parts = std::min(kWgradParts, count);
    parallel_for(parts, 1, [&](size_t b, size_t e) {
      for (size_t part = b; part < e; ++part) {
        const size_t i0 = count * part / parts, i1 = count * (part + 1) / parts;
        ConvDirectWgrad a{};
        a.x = src + i0 * p.image();
        a.image_floats = p.image();
        a.row_stride = s.stride_h * row;
        a.px_stride = s.stride_w * s.in_c;
        a.count = i1 - i0;
        a.oh = s.out_h();
        a.ow = s.out_w();
        a.off = off.data();
        a.k0 = 0;
        a.k1 = K;
        a.dy = dy + (n0 + i0) * s.out_h() * s.out_w() * s.out_c;
        a.cout = s.out_c;
        a.dw = partial + part * wn;
        k.wgrad(a);
      }
    });
    parallel_for(wn, 1 << 14, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) {
        float v = first ? 0.0f : dw[i];
        for (size_t part = 0; part < parts; ++part) v += partial[part * wn + i];
        dw[i] = v;
      }
    });
    first = false;
  }
}

}  // namespace simdtrain

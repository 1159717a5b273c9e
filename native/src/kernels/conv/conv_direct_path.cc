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

// Strided input gradients (stride > 1, no dilation), one dimension: the dx
// rows r, r + stride, ... (class r) receive the taps i = i0, i0 + stride, ...
// (u of them), row a of the class reading dy rows a + cy - (u - 1) .. a + cy
// (tap i0 + stride*(u - 1) first): a stride-1 correlation of dy with those
// taps flipped, written to every stride-th row.
struct StridedClass {
  size_t i0, u, cy, rows;
};

StridedClass strided_class(size_t r, size_t pad, size_t stride, size_t k, size_t in) {
  StridedClass c;
  c.i0 = (r + pad) % stride;
  c.u = c.i0 < k ? (k - 1 - c.i0) / stride + 1 : 0;
  c.cy = (r + pad - c.i0) / stride;
  c.rows = r < in ? (in - r + stride - 1) / stride : 0;
  return c;
}

// The zero rows dy needs before and after (out rows) so every class reads inside it.
void strided_padding(size_t pad, size_t stride, size_t k, size_t in, size_t out, size_t* before, size_t* after) {
  *before = *after = 0;
  for (size_t r = 0; r < stride; ++r) {
    const StridedClass c = strided_class(r, pad, stride, k, in);
    if (!c.u || !c.rows) continue;
    if (c.u - 1 > c.cy) *before = std::max(*before, c.u - 1 - c.cy);
    if (c.rows + c.cy > out) *after = std::max(*after, c.rows + c.cy - out);
  }
}

Padded strided_dgrad_padding(const Conv2dShape& s) {
  Padded p{s.out_h(), s.out_w(), 0, 0, 0, 0, s.out_c};
  strided_padding(s.pad_top, s.stride_h, s.kh, s.in_h, p.h, &p.pt, &p.pb);
  strided_padding(s.pad_left, s.stride_w, s.kw, s.in_w, p.w, &p.pl, &p.pr);
  return p;
}

bool direct_shape_ok(const Conv2dShape& s) { return s.groups == 1 && !im2col_in_place(s); }
bool direct_dgrad_shape_ok(const Conv2dShape& s) {
  return direct_shape_ok(s) && s.stride_h == 1 && s.stride_w == 1 &&
         s.pad_top <= s.dil_h * (s.kh - 1) && s.pad_bottom <= s.dil_h * (s.kh - 1) &&
         s.pad_left <= s.dil_w * (s.kw - 1) && s.pad_right <= s.dil_w * (s.kw - 1);
}
bool direct_strided_dgrad_shape_ok(const Conv2dShape& s) {
  return direct_shape_ok(s) && (s.stride_h > 1 || s.stride_w > 1) && s.dil_h == 1 && s.dil_w == 1;
}

// Output pixels [0, pixels) of tmpl (all fields but p0, p1 set) through the
// direct kernel, in contiguous ranges per thread.
// Undilated rows of taps (tap_col == cin: a row's taps are one run of
// kw*cin inputs, and of filter rows) run as one tap of kw*cin channels: the
// same sums in the same order, with longer inner loops (the stem's 3
// channels: 9).
void run_pixels(ConvDirectPixels tmpl, size_t pixels) {
  const auto& k = direct();
  const size_t work = tmpl.cout * tmpl.kh * tmpl.kw * tmpl.cin;
  if (tmpl.tap_col == tmpl.cin) {
    tmpl.cin *= tmpl.kw;
    tmpl.kw = 1;
  }
  parallel_for(pixels, std::max<size_t>(16, (size_t{1} << 16) / std::max<size_t>(work, 1)), [&](size_t b, size_t e) {
    ConvDirectPixels a = tmpl;
    a.p0 = b;
    a.p1 = e;
    k.pixels(a);
  });
}

// Output rows [0, out_rows) of `count` images through the direct kernel:
// src holds the (padded) inputs, `tmpl` the per-shape fields.
void direct_pixels(const Padded& p, const float* src, size_t count, size_t out_rows, size_t stride_h, size_t dil_h,
                   ConvDirectPixels tmpl, float* y) {
  const size_t row_floats = p.pw() * p.c;
  tmpl.x = src;
  tmpl.image_floats = p.image();
  tmpl.row_stride = stride_h * row_floats;
  tmpl.oh = out_rows;
  tmpl.tap_row = dil_h * row_floats;
  tmpl.y = y;
  tmpl.y_px = tmpl.cout;
  tmpl.y_row = tmpl.ow * tmpl.cout;
  tmpl.y_image = out_rows * tmpl.y_row;
  run_pixels(tmpl, count * out_rows * tmpl.ow);
}

// All images of a batch, in chunks padded into pad_buffer when p has padding.
void direct_batch(const Padded& p, const float* src, size_t batch, size_t out_rows, size_t stride_h, size_t dil_h,
                  const ConvDirectPixels& t, float* y, float* pad_buffer) {
  const size_t chunk = p.chunk(batch);
  for (size_t n0 = 0; n0 < batch; n0 += chunk) {
    const size_t count = std::min(chunk, batch - n0);
    const float* in = src + n0 * p.h * p.w * p.c;
    if (p.any()) {
      pad_images(p, in, count, pad_buffer);
      in = pad_buffer;
    }
    direct_pixels(p, in, count, out_rows, stride_h, dil_h, t, y + n0 * out_rows * t.ow * t.cout);
  }
}

// The direct filter gradient sums each chunk's images in this many fixed
// parts (in parallel, then added in order): the bits do not depend on threads.
constexpr size_t kWgradParts = 4;

size_t wgrad_floats(const Conv2dShape& s) { return kWgradParts * s.w_size() + forward_padding(s).floats(s.batch); }

// The pixel kernel's arguments of a pass reading cin channels (pixels
// px_stride floats apart) through the filter w into cout channels of ow
// outputs per row; no bias, no ReLU.
ConvDirectPixels row_args(const Conv2dShape& s, size_t px_stride, size_t cin, const float* w, size_t cout, size_t ow) {
  ConvDirectPixels t{};
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
bool direct_input_ok(const Conv2dShape& s) {
  return (direct_dgrad_shape_ok(s) || direct_strided_dgrad_shape_ok(s)) && s.in_c % direct().lanes == 0;
}
bool direct_filter_ok(const Conv2dShape& s) { return direct_forward_ok(s); }
size_t direct_lanes() { return direct().lanes; }

size_t direct_workspace_floats(const Conv2dShape& s) {
  size_t need = 0;
  if (!s.batch) return 0;
  if (direct_shape_ok(s)) need = wgrad_floats(s);
  if (direct_dgrad_shape_ok(s)) need = std::max(need, s.kh * s.kw * s.in_c * s.out_c + dgrad_padding(s).floats(s.batch));
  if (direct_strided_dgrad_shape_ok(s))
    need = std::max(need, s.kh * s.kw * s.in_c * s.out_c + strided_dgrad_padding(s).floats(s.batch));
  return need;
}

void direct_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias,
                    Activation act, float* y, float* workspace) {
  const Padded p = forward_padding(s);
  ConvDirectPixels t = row_args(s, s.stride_w * s.in_c, s.in_c, w, s.out_c, s.out_w());
  t.bias = bias;
  t.relu = act == Activation::relu;
  direct_batch(p, x, s.batch, s.out_h(), s.stride_h, s.dil_h, t, y, workspace);
}

namespace {

// Strided input gradient, class by class in both dimensions (StridedClass).
// Workspace: [each class's flipped, transposed taps: kh*kw*out_c*in_c in
// all][padded dy chunk].
void strided_backward_input(const Conv2dShape& s, const float* w, const float* dy, float* dx, float* workspace,
                            bool accumulate) {
  const Padded p = strided_dgrad_padding(s);
  const size_t cells = s.stride_h * s.stride_w, co_ci = s.out_c * s.in_c;
  std::vector<StridedClass> cy(s.stride_h), cx(s.stride_w);
  for (size_t r = 0; r < s.stride_h; ++r) cy[r] = strided_class(r, s.pad_top, s.stride_h, s.kh, s.in_h);
  for (size_t r = 0; r < s.stride_w; ++r) cx[r] = strided_class(r, s.pad_left, s.stride_w, s.kw, s.in_w);
  std::vector<const float*> taps(cells);
  float* wt = workspace;
  for (size_t c = 0; c < cells; ++c) {
    const StridedClass &a = cy[c / s.stride_w], &b = cx[c % s.stride_w];
    taps[c] = wt;
    for (size_t u = 0; u < a.u; ++u)
      for (size_t v = 0; v < b.u; ++v) {
        const size_t i = a.i0 + s.stride_h * (a.u - 1 - u), j = b.i0 + s.stride_w * (b.u - 1 - v);
        for (size_t co = 0; co < s.out_c; ++co)
          for (size_t ci = 0; ci < s.in_c; ++ci)
            wt[(u * b.u + v) * co_ci + co * s.in_c + ci] = w[((i * s.kw + j) * s.in_c + ci) * s.out_c + co];
      }
    wt += a.u * b.u * co_ci;
  }
  float* padded = wt;
  const size_t chunk = p.chunk(s.batch), dx_image = s.in_h * s.in_w * s.in_c, row = p.pw() * s.out_c;
  for (size_t n0 = 0; n0 < s.batch; n0 += chunk) {
    const size_t count = std::min(chunk, s.batch - n0);
    const float* src = dy + n0 * s.out_h() * s.out_w() * s.out_c;
    if (p.any()) {
      pad_images(p, src, count, padded);
      src = padded;
    }
    float* out = dx + n0 * dx_image;
    for (size_t c = 0; c < cells; ++c) {
      const size_t ry = c / s.stride_w, rx = c % s.stride_w;
      const StridedClass &a = cy[ry], &b = cx[rx];
      if (!a.rows || !b.rows) continue;
      if (!a.u || !b.u) {  // no tap reaches these pixels: +0 (added to dx when accumulating)
        parallel_for(count * a.rows, 1, [&](size_t lo, size_t hi) {
          for (size_t t = lo; t < hi; ++t) {
            float* o = out + (t / a.rows) * dx_image + ((ry + (t % a.rows) * s.stride_h) * s.in_w + rx) * s.in_c;
            for (size_t q = 0; q < b.rows; ++q) {
              float* px = o + q * s.stride_w * s.in_c;
              if (!accumulate) {
                std::memset(px, 0, s.in_c * sizeof(float));
                continue;
              }
              for (size_t c = 0; c < s.in_c; ++c) px[c] += 0.0f;
            }
          }
        });
        continue;
      }
      ConvDirectPixels t = row_args(s, s.out_c, s.out_c, taps[c], s.in_c, b.rows);
      t.kh = a.u;
      t.kw = b.u;
      t.x = src + (a.cy + p.pt - (a.u - 1)) * row + (b.cy + p.pl - (b.u - 1)) * s.out_c;
      t.image_floats = p.image();
      t.row_stride = t.tap_row = row;
      t.oh = a.rows;
      t.y = out + (ry * s.in_w + rx) * s.in_c;
      t.y_image = dx_image;
      t.y_row = s.stride_h * s.in_w * s.in_c;
      t.y_px = s.stride_w * s.in_c;
      t.accumulate = accumulate;
      run_pixels(t, count * a.rows * b.rows);
    }
  }
}

}  // namespace

// Workspace: [flipped filter kh*kw*out_c*in_c][padded dy chunk].
void direct_backward_input(const Conv2dShape& s, const float* w, const float* dy, float* dx, float* workspace,
                           bool accumulate) {
  if (!s.batch) return;  // the workspace may be empty
  if (s.stride_h > 1 || s.stride_w > 1) return strided_backward_input(s, w, dy, dx, workspace, accumulate);
  const size_t taps = s.kh * s.kw;
  float* wt = workspace;
  for (size_t tap = 0; tap < taps; ++tap)
    for (size_t ci = 0; ci < s.in_c; ++ci)
      for (size_t co = 0; co < s.out_c; ++co)
        wt[(tap * s.out_c + co) * s.in_c + ci] = w[((taps - 1 - tap) * s.in_c + ci) * s.out_c + co];
  const Padded p = dgrad_padding(s);
  float* padded = workspace + taps * s.in_c * s.out_c;
  ConvDirectPixels t = row_args(s, s.out_c, s.out_c, wt, s.in_c, s.in_w);
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

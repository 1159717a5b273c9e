// Convolution over the packed SGEMM (conv2d.h).
//
// im2col: row m = (n, oy, ox) of the column matrix X_col holds, group by
// group, the input patch that output pixel reads, [g][i][j][ci] (kh*kw*cin_g
// floats per group, zero where the patch leaves the padded input). Then
//   forward   Y_g   = X_col_g · W_g            (+ bias, relu in the GEMM's store)
//   dgrad     dX_col_g = dY_g · W_gᵀ, then col2im adds each row back to dx
//   wgrad     dW_g (+)= X_col_gᵀ · dY_g
// with W_g = columns g*cout_g .. of the [kh*kw*cin_g, out_c] filter matrix.
// The batch is processed in chunks of whole images so the column buffer
// stays below kColBudgetFloats (unless one image alone needs more). A 1x1,
// stride-1, unpadded convolution reads x (and writes dx) in place: X_col = x.
//
// Direct path (conv_direct.h, no im2col): ungrouped convolutions whose output
// channels fill whole vectors run forward as register-blocked rows over a
// zero-padded copy of x; stride-1 input gradients run the same rows over
// padded dy with the filter flipped and transposed. Measured on the
// mnist_convnet and ResNet-20 layers (bench/conv.bench.js), it beats im2col +
// GEMM wherever it applies except 1x1 stride-1 (no im2col there anyway).
// Filter gradients of ungrouped k x k (k > 1) filters also run direct: each
// block of dW rows sums over all output pixels of a fixed part of the batch.
// Depthwise convolutions (groups == in_c) run direct (conv_depthwise.h).
#include "conv2d.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "../../core/thread_pool.h"
#include "../nn/nn_ops.h"
#include "conv_depthwise.h"
#include "conv_direct.h"

namespace simdtrain {
namespace {

// 2 Mi floats (8 MiB): M = rows of a chunk stays in the thousands for the
// usual layers, big enough for the GEMM to run at full speed.
constexpr size_t kColBudgetFloats = size_t{1} << 21;

struct Geometry {
  size_t oh, ow, pixels;  // output pixels per image
  size_t cin_g, cout_g;
  size_t kg;              // kh*kw*cin_g: depth of one group's GEMM
  size_t k;               // kg*groups: floats per column row
  bool in_place;          // X_col is x itself
  size_t chunk_images;    // images per column-buffer chunk
};

Geometry geometry(const Conv2dShape& s) {
  Geometry g;
  g.oh = s.out_h();
  g.ow = s.out_w();
  g.pixels = g.oh * g.ow;
  g.cin_g = s.in_c / s.groups;
  g.cout_g = s.out_c / s.groups;
  g.kg = s.kh * s.kw * g.cin_g;
  g.k = g.kg * s.groups;
  g.in_place = s.kh == 1 && s.kw == 1 && s.stride_h == 1 && s.stride_w == 1 && !s.pad_top && !s.pad_bottom &&
               !s.pad_left && !s.pad_right;
  const size_t per_image = g.pixels * g.k;
  g.chunk_images = std::max<size_t>(1, std::min(s.batch, kColBudgetFloats / std::max<size_t>(per_image, 1)));
  return g;
}

// Calls fn(m, iy_base, ix_base) for output pixels m in [m0, m1) of the whole
// batch (iy_base = oy*stride - pad_top, may be negative).
template <class Fn>
void for_each_pixel(const Conv2dShape& s, const Geometry& geo, size_t m0, size_t m1, Fn&& fn) {
  for (size_t m = m0; m < m1; ++m) {
    const size_t p = m % geo.pixels;
    const long iy0 = static_cast<long>((p / geo.ow) * s.stride_h) - static_cast<long>(s.pad_top);
    const long ix0 = static_cast<long>((p % geo.ow) * s.stride_w) - static_cast<long>(s.pad_left);
    fn(m, m / geo.pixels, iy0, ix0);
  }
}

// col[(m - m0)*k ...] = patches of output pixels [m0, m1).
void im2col(const Conv2dShape& s, const Geometry& geo, const float* x, size_t m0, size_t m1, float* col) {
  const size_t rows_per_task = std::max<size_t>(1, (size_t{1} << 14) / std::max<size_t>(geo.k, 1));
  parallel_for(m1 - m0, rows_per_task, [&](size_t b, size_t e) {
    for_each_pixel(s, geo, m0 + b, m0 + e, [&](size_t m, size_t n, long iy0, long ix0) {
      float* row = col + (m - m0) * geo.k;
      const float* img = x + n * s.in_h * s.in_w * s.in_c;
      for (size_t g = 0; g < s.groups; ++g)
        for (size_t i = 0; i < s.kh; ++i) {
          const long iy = iy0 + static_cast<long>(i * s.dil_h);
          for (size_t j = 0; j < s.kw; ++j, row += geo.cin_g) {
            const long ix = ix0 + static_cast<long>(j * s.dil_w);
            if (iy < 0 || iy >= static_cast<long>(s.in_h) || ix < 0 || ix >= static_cast<long>(s.in_w)) {
              std::memset(row, 0, geo.cin_g * sizeof(float));
            } else {
              std::memcpy(row, img + (iy * s.in_w + ix) * s.in_c + g * geo.cin_g, geo.cin_g * sizeof(float));
            }
          }
        }
    });
  });
}

// dx += col2im(col) for output pixels [m0, m1), which cover whole images
// [m0 / pixels, m1 / pixels): one task per image range, so every dx element
// receives its terms in the same order for any thread count.
void col2im_add(const Conv2dShape& s, const Geometry& geo, const float* col, size_t m0, size_t m1, float* dx) {
  const size_t n0 = m0 / geo.pixels, n1 = m1 / geo.pixels;
  parallel_for(n1 - n0, 1, [&](size_t b, size_t e) {
    for_each_pixel(s, geo, (n0 + b) * geo.pixels, (n0 + e) * geo.pixels, [&](size_t m, size_t n, long iy0, long ix0) {
      const float* row = col + (m - m0) * geo.k;
      float* img = dx + n * s.in_h * s.in_w * s.in_c;
      for (size_t g = 0; g < s.groups; ++g)
        for (size_t i = 0; i < s.kh; ++i) {
          const long iy = iy0 + static_cast<long>(i * s.dil_h);
          for (size_t j = 0; j < s.kw; ++j, row += geo.cin_g) {
            const long ix = ix0 + static_cast<long>(j * s.dil_w);
            if (iy < 0 || iy >= static_cast<long>(s.in_h) || ix < 0 || ix >= static_cast<long>(s.in_w)) continue;
            float* dst = img + (iy * s.in_w + ix) * s.in_c + g * geo.cin_g;
            for (size_t c = 0; c < geo.cin_g; ++c) dst[c] += row[c];
          }
        }
    });
  });
}

// Calls fn(m0, m1, col) per chunk of whole images; col is X_col of that
// chunk (x in place, or the workspace filled by im2col when fill is set).
template <class Fn>
void for_each_chunk(const Conv2dShape& s, const Geometry& geo, const float* x, float* workspace, bool fill, Fn&& fn) {
  for (size_t n0 = 0; n0 < s.batch; n0 += geo.chunk_images) {
    const size_t n1 = std::min(s.batch, n0 + geo.chunk_images);
    const size_t m0 = n0 * geo.pixels, m1 = n1 * geo.pixels;
    if (geo.in_place) {
      fn(m0, m1, x ? x + m0 * s.in_c : nullptr);
    } else {
      if (fill) im2col(s, geo, x, m0, m1, workspace);
      fn(m0, m1, workspace);
    }
  }
}

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

void pad_images(const Padded& p, const float* src, size_t count, float* dst) {
  parallel_for(count, 1, [&](size_t b, size_t e) {
    for (size_t n = b; n < e; ++n) {
      float* img = dst + n * p.image();
      std::memset(img, 0, p.image() * sizeof(float));
      for (size_t y = 0; y < p.h; ++y)
        std::memcpy(img + ((y + p.pt) * p.pw() + p.pl) * p.c, src + (n * p.h + y) * p.w * p.c, p.w * p.c * sizeof(float));
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

bool direct_forward_ok(const Conv2dShape& s, const Geometry& geo) { return s.groups == 1 && !geo.in_place; }
bool direct_dgrad_ok(const Conv2dShape& s, const Geometry& geo) {
  return s.groups == 1 && !geo.in_place && s.stride_h == 1 && s.stride_w == 1 &&
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

void direct_forward(const Conv2dShape& s, const Geometry& geo, const float* x, const float* w, const float* bias,
                    Activation act, float* y, float* workspace) {
  const Padded p = forward_padding(s);
  ConvDirectRow t{};
  t.px_stride = s.stride_w * s.in_c;
  t.tap_col = s.dil_w * s.in_c;
  t.kh = s.kh;
  t.kw = s.kw;
  t.cin = s.in_c;
  t.w = w;
  t.cout = s.out_c;
  t.bias = bias;
  t.relu = act == Activation::relu;
  t.ow = geo.ow;
  direct_batch(p, x, s.batch, geo.oh, s.stride_h, s.dil_h, t, y, workspace);
}

// Workspace: [flipped filter kh*kw*out_c*in_c][padded dy chunk].
void direct_dgrad(const Conv2dShape& s, const float* w, const float* dy, float* dx, float* workspace) {
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
  ConvDirectRow t{};
  t.px_stride = s.out_c;
  t.tap_col = s.dil_w * s.out_c;
  t.kh = s.kh;
  t.kw = s.kw;
  t.cin = s.out_c;
  t.w = wt;
  t.cout = s.in_c;
  t.ow = s.in_w;
  direct_batch(p, dy, s.batch, s.in_h, 1, s.dil_h, t, dx, padded);
}

// The direct filter gradient sums each chunk's images in this many fixed
// parts (in parallel, then added in order): the bits do not depend on threads.
constexpr size_t kWgradParts = 4;

size_t direct_wgrad_floats(const Conv2dShape& s) { return kWgradParts * s.w_size() + forward_padding(s).floats(s.batch); }

// Workspace: [kWgradParts partial dW][padded x chunk].
void direct_wgrad(const Conv2dShape& s, const Geometry& geo, const float* x, const float* dy, float* dw, bool accumulate,
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
        a.oh = geo.oh;
        a.ow = geo.ow;
        a.off = off.data();
        a.k0 = 0;
        a.k1 = K;
        a.dy = dy + (n0 + i0) * geo.pixels * s.out_c;
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

GemmArgs group_gemm(size_t m, size_t n, size_t k) {
  GemmArgs a;
  a.m = m;
  a.n = n;
  a.k = k;
  return a;
}

}  // namespace

// The largest need of any path any ISA may take for this shape.
size_t conv2d_workspace_floats(const Conv2dShape& s) {
  if (!s.batch) return 0;
  const Geometry geo = geometry(s);
  const size_t depthwise = conv2d_is_depthwise(s) ? kDepthwiseParts * s.w_size() : 0;
  if (geo.in_place) return depthwise;
  size_t need = std::max(depthwise, geo.chunk_images * geo.pixels * geo.k);
  if (direct_forward_ok(s, geo)) need = std::max(need, direct_wgrad_floats(s));
  if (direct_dgrad_ok(s, geo))
    need = std::max(need, s.kh * s.kw * s.in_c * s.out_c + dgrad_padding(s).floats(s.batch));
  return need;
}

void conv2d_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
                    float* workspace) {
  const Geometry geo = geometry(s);
  if (conv2d_is_depthwise(s)) return depthwise_forward(s, x, w, bias, act, y);
  if (direct_forward_ok(s, geo) && s.out_c % direct().lanes == 0) {
    return direct_forward(s, geo, x, w, bias, act, y, workspace);
  }
  for_each_chunk(s, geo, x, workspace, true, [&](size_t m0, size_t m1, const float* col) {
    for (size_t g = 0; g < s.groups; ++g) {
      GemmArgs a = group_gemm(m1 - m0, geo.cout_g, geo.kg);
      a.a = col + g * geo.kg;
      a.lda = geo.in_place ? s.in_c : geo.k;
      a.b = w + g * geo.cout_g;
      a.ldb = s.out_c;
      a.c = y + m0 * s.out_c + g * geo.cout_g;
      a.ldc = s.out_c;
      a.epilogue.bias = bias ? bias + g * geo.cout_g : nullptr;
      a.epilogue.activation = act;
      sgemm(a);
    }
  });
}

void conv2d_backward_input(const Conv2dShape& s, const float* w, const float* dy, float* dx, float* workspace) {
  const Geometry geo = geometry(s);
  if (conv2d_is_depthwise(s)) return depthwise_backward_input(s, w, dy, dx);
  if (direct_dgrad_ok(s, geo) && s.in_c % direct().lanes == 0) return direct_dgrad(s, w, dy, dx, workspace);
  // (An empty batch may pass dx = nullptr: memset of a null pointer is undefined even for 0 bytes.)
  if (!geo.in_place && s.x_size()) std::memset(dx, 0, s.x_size() * sizeof(float));
  for_each_chunk(s, geo, nullptr, workspace, false, [&](size_t m0, size_t m1, const float*) {
    float* dcol = geo.in_place ? dx + m0 * s.in_c : workspace;
    for (size_t g = 0; g < s.groups; ++g) {
      GemmArgs a = group_gemm(m1 - m0, geo.kg, geo.cout_g);
      a.a = dy + m0 * s.out_c + g * geo.cout_g;
      a.lda = s.out_c;
      a.trans_b = true;
      a.b = w + g * geo.cout_g;
      a.ldb = s.out_c;
      a.c = dcol + g * geo.kg;
      a.ldc = geo.in_place ? s.in_c : geo.k;
      sgemm(a);
    }
    if (!geo.in_place) col2im_add(s, geo, dcol, m0, m1, dx);
  });
}

void conv2d_backward_filter(const Conv2dShape& s, const float* x, const float* dy, float* dw, float* db,
                            bool accumulate, float* workspace) {
  const Geometry geo = geometry(s);
  if (db) nn_col_sums(s.batch * geo.pixels, s.out_c, dy, db, accumulate);
  if (!dw) return;
  if (!s.batch) {
    if (!accumulate) std::memset(dw, 0, s.w_size() * sizeof(float));
    return;
  }
  if (conv2d_is_depthwise(s)) return depthwise_backward_filter(s, x, dy, dw, accumulate, workspace);
  // 1x1 filters keep the GEMM (measured faster: few rows of dW, long sums).
  if (direct_forward_ok(s, geo) && s.out_c % direct().lanes == 0 && s.kh * s.kw > 1)
    return direct_wgrad(s, geo, x, dy, dw, accumulate, workspace);
  bool first = !accumulate;
  for_each_chunk(s, geo, x, workspace, true, [&](size_t m0, size_t m1, const float* col) {
    for (size_t g = 0; g < s.groups; ++g) {
      GemmArgs a = group_gemm(geo.kg, geo.cout_g, m1 - m0);
      a.trans_a = true;
      a.a = col + g * geo.kg;
      a.lda = geo.in_place ? s.in_c : geo.k;
      a.b = dy + m0 * s.out_c + g * geo.cout_g;
      a.ldb = s.out_c;
      a.c = dw + g * geo.cout_g;
      a.ldc = s.out_c;
      a.beta = first ? 0.0f : 1.0f;
      sgemm(a);
    }
    first = false;
  });
}

void conv2d_backward(const Conv2dShape& s, const float* x, const float* w, const float* dy, float* dx, float* dw,
                     float* db, bool accumulate, float* workspace) {
  // Filter gradient first: its im2col of x is dead once dgrad reuses the buffer.
  conv2d_backward_filter(s, x, dy, dw, db, accumulate, workspace);
  if (dx) conv2d_backward_input(s, w, dy, dx, workspace);
}

}  // namespace simdtrain

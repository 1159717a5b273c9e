// im2col + SGEMM convolution (conv_im2col.h).
#include "conv_im2col.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "../../core/thread_pool.h"

namespace simdtrain {
namespace {

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

// The depth of the in-place input gradient's GEMM at most this: the GEMM
// sums it in one block (the smallest KC of any ISA, gemm_blocking.h), so
// beta = 1 adds dx to the finished sum (accumulate: the bits of adding after).
constexpr size_t kOneBlockDepth = 256;

// Whether an in-place input gradient that accumulates goes through a stage
// buffer: where the GEMM's beta would add dx before the sum is complete.
bool stages_input_grad(const Conv2dShape& s, const Geometry& geo) {
  return geo.in_place && (geo.cout_g > kOneBlockDepth || s.precision != Precision::fp32);
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

// The terms one input row (or column) receives: for each tap i with an
// output row oy = (iy + pad - i*dil) / stride in range, in i descending
// (oy ascending) order, the pair (i, oy); rows[begin[iy] .. begin[iy + 1]).
struct AxisTerms {
  std::vector<size_t> begin, tap, out;
  AxisTerms(size_t in, size_t k, size_t stride, size_t pad, size_t dil, size_t out_n) : begin(in + 1, 0) {
    for (size_t iy = 0; iy < in; ++iy) {
      begin[iy] = tap.size();
      for (size_t i = k; i-- > 0;) {
        const long t = static_cast<long>(iy + pad) - static_cast<long>(i * dil);
        if (t < 0 || t % static_cast<long>(stride) || static_cast<size_t>(t) / stride >= out_n) continue;
        tap.push_back(i);
        out.push_back(static_cast<size_t>(t) / stride);
      }
    }
    begin[in] = tap.size();
  }
};

// dx = col2im(col) (or dx += it, accumulate) for output pixels [m0, m1),
// which cover whole images [m0 / pixels, m1 / pixels). One input row at a
// time: the row (or, accumulating, a row buffer) is cleared, every term
// reaching it added in the order of the output pixels (m) that read it,
// then the buffer added to dx: the bits of adding the rows into a zeroed dx
// in m order, without clearing all of dx first. One task per image range:
// the bits do not depend on the threads. rows: a row buffer per image of the
// chunk (in_w * in_c floats each), used when accumulating.
void col2im(const Conv2dShape& s, const Geometry& geo, const float* col, size_t m0, size_t m1, float* dx,
            bool accumulate, float* rows_buf) {
  const size_t n0 = m0 / geo.pixels, n1 = m1 / geo.pixels, len = s.in_w * s.in_c, cin = s.in_c;
  const AxisTerms rows(s.in_h, s.kh, s.stride_h, s.pad_top, s.dil_h, geo.oh);
  const AxisTerms cols(s.in_w, s.kw, s.stride_w, s.pad_left, s.dil_w, geo.ow);
  parallel_for(n1 - n0, 1, [&](size_t b, size_t e) {
    for (size_t n = n0 + b; n < n0 + e; ++n) {
      const float* image = col + (n * geo.pixels - m0) * geo.k;
      float* buffer = rows_buf + (n - n0) * len;
      for (size_t iy = 0; iy < s.in_h; ++iy) {
        float* dst = dx + (n * s.in_h + iy) * len;
        float* acc = accumulate ? buffer : dst;
        std::memset(acc, 0, len * sizeof(float));
        for (size_t r = rows.begin[iy]; r < rows.begin[iy + 1]; ++r) {
          const float* out_row = image + rows.out[r] * geo.ow * geo.k + rows.tap[r] * s.kw * geo.cin_g;
          for (size_t ix = 0; ix < s.in_w; ++ix) {
            float* __restrict d = acc + ix * s.in_c;
            for (size_t c = cols.begin[ix]; c < cols.begin[ix + 1]; ++c) {
              const float* __restrict src = out_row + cols.out[c] * geo.k + cols.tap[c] * geo.cin_g;
              if (s.groups == 1) {
                for (size_t q = 0; q < cin; ++q) d[q] += src[q];
                continue;
              }
              for (size_t g = 0; g < s.groups; ++g)
                for (size_t q = 0; q < geo.cin_g; ++q) d[g * geo.cin_g + q] += src[g * geo.kg + q];
            }
          }
        }
        if (accumulate)
          for (size_t q = 0; q < len; ++q) dst[q] += acc[q];
      }
    }
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

GemmArgs group_gemm(const Conv2dShape& s, size_t m, size_t n, size_t k) {
  GemmArgs a;
  a.precision = s.precision;
  a.m = m;
  a.n = n;
  a.k = k;
  return a;
}

}  // namespace

bool im2col_in_place(const Conv2dShape& s) { return geometry(s).in_place; }

size_t im2col_workspace_floats(const Conv2dShape& s) {
  const Geometry geo = geometry(s);
  if (!s.batch) return 0;
  if (geo.in_place) return stages_input_grad(s, geo) ? geo.chunk_images * geo.pixels * s.in_c : 0;
  return geo.chunk_images * (geo.pixels * geo.k + s.in_w * s.in_c);
}

void im2col_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
                    float* workspace) {
  const Geometry geo = geometry(s);
  for_each_chunk(s, geo, x, workspace, true, [&](size_t m0, size_t m1, const float* col) {
    for (size_t g = 0; g < s.groups; ++g) {
      GemmArgs a = group_gemm(s, m1 - m0, geo.cout_g, geo.kg);
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

void im2col_backward_input(const Conv2dShape& s, const float* w, const float* dy, float* dx, float* workspace,
                           bool accumulate) {
  const Geometry geo = geometry(s);
  // In place with accumulate where the GEMM's beta would add before the sum is
  // complete: each chunk's result goes to a buffer first, then is added.
  const bool staged = accumulate && stages_input_grad(s, geo);
  for_each_chunk(s, geo, nullptr, workspace, false, [&](size_t m0, size_t m1, const float*) {
    float* dcol = staged ? workspace : geo.in_place ? dx + m0 * s.in_c : workspace;
    for (size_t g = 0; g < s.groups; ++g) {
      GemmArgs a = group_gemm(s, m1 - m0, geo.kg, geo.cout_g);
      a.a = dy + m0 * s.out_c + g * geo.cout_g;
      a.lda = s.out_c;
      a.trans_b = true;
      a.b = w + g * geo.cout_g;
      a.ldb = s.out_c;
      a.c = dcol + g * geo.kg;
      a.ldc = geo.in_place ? s.in_c : geo.k;
      a.beta = geo.in_place && accumulate && !staged ? 1.0f : 0.0f;
      sgemm(a);
    }
    if (staged) {
      float* out = dx + m0 * s.in_c;
      const float* part = workspace;
      parallel_for((m1 - m0) * s.in_c, 1 << 14, [&](size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) out[i] += part[i];
      });
    } else if (!geo.in_place) {
      col2im(s, geo, dcol, m0, m1, dx, accumulate, workspace + geo.chunk_images * geo.pixels * geo.k);
    }
  });
}

void im2col_backward_filter(const Conv2dShape& s, const float* x, const float* dy, float* dw, bool accumulate,
                            float* workspace) {
  const Geometry geo = geometry(s);
  bool first = !accumulate;
  for_each_chunk(s, geo, x, workspace, true, [&](size_t m0, size_t m1, const float* col) {
    for (size_t g = 0; g < s.groups; ++g) {
      GemmArgs a = group_gemm(s, geo.kg, geo.cout_g, m1 - m0);
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

}  // namespace simdtrain

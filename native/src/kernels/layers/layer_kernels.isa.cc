// The layer kernels' inner loops (layer_table.h), written once over the SIMD
// abstraction; the build compiles this file once per ISA. Vectors run over
// channels (NHWC keeps them contiguous); tails are masked loads/stores, so
// no byte outside the arrays is touched.
#include <type_traits>

#include "../../simd/target.h"
#include "layer_table.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

// Visits the window's pixels in window order: fn(pixel pointer offset, index i * nx + j).
template <class Fn>
inline void each_pixel(size_t row_stride, size_t ny, size_t nx, size_t c, Fn&& fn) {
  uint32_t k = 0;
  for (size_t i = 0; i < ny; ++i)
    for (size_t j = 0; j < nx; ++j, ++k) fn(i * row_stride + j * c, k);
}

// One step of the running max (PyTorch's rule): v, at index kv, replaces
// best when greater or NaN; `at` keeps the index of the value kept.
inline void keep_max(Vec v, Vec kv, Vec& best, Vec& at) {
  const Mask gt = cmp_gt(v, best), nan = cmp_unord(v, v);
  best = select(gt, v, best);
  at = select(gt, kv, at);
  best = select(nan, v, best);
  at = select(nan, kv, at);
}

void window_max(const float* base, size_t row_stride, size_t ny, size_t nx, size_t c, float* out, uint32_t* arg) {
  for_each_chunk(c, [&](size_t ch, auto chunk) {
    Vec best = chunk.load(base + ch);
    if (!arg) {
      each_pixel(row_stride, ny, nx, c, [&](size_t off, uint32_t) {
        const Vec v = chunk.load(base + off + ch);
        best = select(cmp_gt(v, best), v, best);
        best = select(cmp_unord(v, v), v, best);
      });
    } else {
      Vec at = bitcast_f(iset1(0));
      each_pixel(row_stride, ny, nx, c, [&](size_t off, uint32_t k) {
        keep_max(chunk.load(base + off + ch), bitcast_f(iset1(k)), best, at);
      });
      alignas(64) uint32_t lanes[kLanes];
      istoreu(lanes, bitcast_i(at));
      const size_t count = decltype(chunk)::kIsTail ? c - ch : kLanes;
      for (size_t l = 0; l < count; ++l) arg[ch + l] = lanes[l];
    }
    chunk.store(out + ch, best);
  });
}

// The window's index k as a float lane value (exact: ny * nx < 2^24).
inline Vec index_vec(uint32_t k) { return set1(static_cast<float>(k)); }

void window_max_grad(const float* base, float* dbase, size_t row_stride, size_t ny, size_t nx, size_t c, const float* g) {
  for_each_chunk(c, [&](size_t ch, auto chunk) {
    Vec best = chunk.load(base + ch), at = zero();
    each_pixel(row_stride, ny, nx, c,
               [&](size_t off, uint32_t k) { keep_max(chunk.load(base + off + ch), index_vec(k), best, at); });
    const Vec gz = add(zero(), chunk.load(g + ch));  // 0 + g, as the reference's dx += g onto zeros
    each_pixel(row_stride, ny, nx, c, [&](size_t off, uint32_t k) {
      chunk.store(dbase + off + ch, select(cmp_eq(at, index_vec(k)), gz, zero()));
    });
  });
}

void window_sum(const float* base, size_t row_stride, size_t ny, size_t nx, size_t c, float scale, float* out) {
  const Vec s = set1(scale);
  for_each_chunk(c, [&](size_t ch, auto chunk) {
    Vec acc = zero();
    each_pixel(row_stride, ny, nx, c, [&](size_t off, uint32_t) { acc = add(acc, chunk.load(base + off + ch)); });
    chunk.store(out + ch, mul(acc, s));
  });
}

void window_add(float* base, size_t row_stride, size_t ny, size_t nx, size_t c, const float* g, float scale) {
  const Vec s = set1(scale);
  for_each_chunk(c, [&](size_t ch, auto chunk) {
    const Vec gs = mul(chunk.load(g + ch), s);
    each_pixel(row_stride, ny, nx, c, [&](size_t off, uint32_t) {
      float* p = base + off + ch;
      chunk.store(p, add(chunk.load(p), gs));
    });
  });
}

void broadcast_scale(size_t count, size_t c, const float* g, float scale, float* dst) {
  const Vec s = set1(scale);
  for (size_t p = 0; p < count; ++p) {
    float* d = dst + p * c;
    for_each_chunk(c, [&](size_t ch, auto chunk) { chunk.store(d + ch, mul(chunk.load(g + ch), s)); });
  }
}

// Column sums walk the rows once per group of up to 4 whole vectors of
// channels (then the tail), each channel's accumulator in a register: a
// channel's terms add in row order as before, and the group's independent
// chains hide the add latency. body(ch, group, chunk) covers channels
// [ch, ch + group * kLanes), or the tail for a TailChunk.
template <class Body>
inline void for_each_chunk_group(size_t c, Body&& body) {
  size_t ch = 0;
  for (; ch + 4 * kLanes <= c; ch += 4 * kLanes) body(ch, std::integral_constant<size_t, 4>{}, FullChunk{});
  for (; ch + 2 * kLanes <= c; ch += 2 * kLanes) body(ch, std::integral_constant<size_t, 2>{}, FullChunk{});
  for (; ch + kLanes <= c; ch += kLanes) body(ch, std::integral_constant<size_t, 1>{}, FullChunk{});
  if (ch < c) body(ch, std::integral_constant<size_t, 1>{}, TailChunk{c - ch});
}

void block_moments(size_t rows, size_t c, const float* x, float* mean, float* dev, float* sq) {
  const Vec n = set1(static_cast<float>(rows));
  for_each_chunk_group(c, [&](size_t ch, auto group, auto chunk) {
    constexpr size_t G = decltype(group)::value;
    Vec s[G], m[G], e[G], q[G];
    for (size_t k = 0; k < G; ++k) s[k] = zero(), e[k] = zero(), q[k] = zero();
    for (size_t r = 0; r < rows; ++r)
      for (size_t k = 0; k < G; ++k) s[k] = add(s[k], chunk.load(x + r * c + ch + k * kLanes));
    for (size_t k = 0; k < G; ++k) m[k] = div(s[k], n);
    for (size_t r = 0; r < rows; ++r)
      for (size_t k = 0; k < G; ++k) {
        const Vec d = sub(chunk.load(x + r * c + ch + k * kLanes), m[k]);
        e[k] = add(e[k], d);
        q[k] = add(q[k], mul(d, d));
      }
    for (size_t k = 0; k < G; ++k) {
      chunk.store(mean + ch + k * kLanes, m[k]);
      chunk.store(dev + ch + k * kLanes, e[k]);
      chunk.store(sq + ch + k * kLanes, q[k]);
    }
  });
}

// nn_act_kernels.isa.cc's relu (NaN stays NaN, -0 and negatives give +0)
// and its gradient given the output z.
inline Vec relu(Vec v) { return select(cmp_unord(v, v), v, select(cmp_gt(v, zero()), v, zero())); }
inline Vec relu_grad(Vec z, Vec dy) { return select(cmp_gt(z, zero()), dy, zero()); }

// dy at chunk offset i; kRelu: through the ReLU of the fused BatchNorm,
// whose input (d * scale + bias, d = x - mean) is recomputed as the forward computed it.
template <bool kRelu, class Chunk>
inline Vec grad_at(Chunk chunk, const float* dy, size_t i, Vec d, Vec scale, Vec bias) {
  const Vec g = chunk.load(dy + i);
  if constexpr (kRelu) return relu_grad(add(mul(d, scale), bias), g);
  return g;
}

template <bool kRelu>
void add_dy_dev_t(size_t rows, size_t c, const float* x, const float* dy, const float* mean, const float* scale,
                  const float* bias, float* acc_dy, float* acc_dyx) {
  for_each_chunk_group(c, [&](size_t ch, auto group, auto chunk) {
    constexpr size_t G = decltype(group)::value;
    Vec m[G], s[G], t[G], a[G], b[G];
    for (size_t k = 0; k < G; ++k) {
      const size_t i = ch + k * kLanes;
      m[k] = chunk.load(mean + i);
      s[k] = kRelu ? chunk.load(scale + i) : zero(), t[k] = kRelu ? chunk.load(bias + i) : zero();
      a[k] = chunk.load(acc_dy + i), b[k] = chunk.load(acc_dyx + i);
    }
    for (size_t r = 0; r < rows; ++r)
      for (size_t k = 0; k < G; ++k) {
        const size_t i = r * c + ch + k * kLanes;
        const Vec d = sub(chunk.load(x + i), m[k]);
        const Vec g = grad_at<kRelu>(chunk, dy, i, d, s[k], t[k]);
        a[k] = add(a[k], g);
        b[k] = add(b[k], mul(g, d));
      }
    for (size_t k = 0; k < G; ++k) chunk.store(acc_dy + ch + k * kLanes, a[k]), chunk.store(acc_dyx + ch + k * kLanes, b[k]);
  });
}

template <bool kRelu>
void affine_t(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias, float* y) {
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * c;
    float* yr = y + r * c;
    for_each_chunk(c, [&](size_t i, auto chunk) {
      const Vec v = add(mul(sub(chunk.load(xr + i), chunk.load(shift + i)), chunk.load(scale + i)), chunk.load(bias + i));
      chunk.store(yr + i, kRelu ? relu(v) : v);
    });
  }
}

template <bool kRelu>
void bn_dx_t(size_t rows, size_t c, const float* x, const float* dy, const float* mean, const float* scale, const float* bias,
             const float* k1, const float* k2, const float* mean_dy, float* dx) {
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * c;
    float* out = dx + r * c;
    for_each_chunk(c, [&](size_t i, auto chunk) {
      const Vec d = sub(chunk.load(xr + i), chunk.load(mean + i));
      const Vec s = kRelu ? chunk.load(scale + i) : zero(), t = kRelu ? chunk.load(bias + i) : zero();
      const Vec a = sub(grad_at<kRelu>(chunk, dy, r * c + i, d, s, t), chunk.load(mean_dy + i));
      chunk.store(out + i, mul(chunk.load(k1 + i), sub(a, mul(d, chunk.load(k2 + i)))));
    });
  }
}

// relu(affine(x) + skip): affine_t's value, then add_relu's sum and ReLU.
void affine_add_relu(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias,
                     const float* skip, float* y) {
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * c;
    const float* sr = skip + r * c;
    float* yr = y + r * c;
    for_each_chunk(c, [&](size_t i, auto chunk) {
      const Vec v = add(mul(sub(chunk.load(xr + i), chunk.load(shift + i)), chunk.load(scale + i)), chunk.load(bias + i));
      chunk.store(yr + i, relu(add(v, chunk.load(sr + i))));
    });
  }
}

// add_dy_dev_t<false> on g = relu_grad(z, dy), g also stored (g_out may be dy).
void add_dy_dev_mask(size_t rows, size_t c, const float* x, const float* z, const float* dy, const float* mean, float* g_out,
                     float* acc_dy, float* acc_dyx) {
  for_each_chunk_group(c, [&](size_t ch, auto group, auto chunk) {
    constexpr size_t G = decltype(group)::value;
    Vec m[G], a[G], b[G];
    for (size_t k = 0; k < G; ++k) {
      const size_t i = ch + k * kLanes;
      m[k] = chunk.load(mean + i), a[k] = chunk.load(acc_dy + i), b[k] = chunk.load(acc_dyx + i);
    }
    for (size_t r = 0; r < rows; ++r)
      for (size_t k = 0; k < G; ++k) {
        const size_t i = r * c + ch + k * kLanes;
        const Vec d = sub(chunk.load(x + i), m[k]);
        const Vec g = relu_grad(chunk.load(z + i), chunk.load(dy + i));
        chunk.store(g_out + i, g);
        a[k] = add(a[k], g);
        b[k] = add(b[k], mul(g, d));
      }
    for (size_t k = 0; k < G; ++k) chunk.store(acc_dy + ch + k * kLanes, a[k]), chunk.store(acc_dyx + ch + k * kLanes, b[k]);
  });
}

void add_dy_dev(size_t rows, size_t c, const float* x, const float* dy, const float* mean, float* acc_dy, float* acc_dyx) {
  add_dy_dev_t<false>(rows, c, x, dy, mean, nullptr, nullptr, acc_dy, acc_dyx);
}
void affine(size_t rows, size_t c, const float* x, const float* shift, const float* scale, const float* bias, float* y) {
  affine_t<false>(rows, c, x, shift, scale, bias, y);
}
void bn_dx(size_t rows, size_t c, const float* x, const float* dy, const float* mean, const float* k1, const float* k2,
           const float* mean_dy, float* dx) {
  bn_dx_t<false>(rows, c, x, dy, mean, nullptr, nullptr, k1, k2, mean_dy, dx);
}

void add_relu(size_t n, const float* a, const float* b, float* y) {
  for_each_chunk(n, [&](size_t i, auto chunk) { chunk.store(y + i, relu(add(chunk.load(a + i), chunk.load(b + i)))); });
}

void relu_grad_split(size_t n, const float* z, const float* dy, float* da, float* db) {
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec g = relu_grad(chunk.load(z + i), chunk.load(dy + i));
    if (da) chunk.store(da + i, g);
    if (db) chunk.store(db + i, g);
  });
}

void ln_param_grads(size_t n, const float* x, const float* dy, float mean, float rstd, float* acc_dy, float* acc_dyx) {
  const Vec m = set1(mean), r = set1(rstd);
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec g = chunk.load(dy + i);
    chunk.store(acc_dy + i, add(chunk.load(acc_dy + i), g));
    chunk.store(acc_dyx + i, add(chunk.load(acc_dyx + i), mul(g, mul(sub(chunk.load(x + i), m), r))));
  });
}

void ln_dx(size_t n, const float* x, const float* dy, const float* gamma, float mean, float rstd, float mg, float mgx,
           float* dx) {
  const Vec m = set1(mean), r = set1(rstd), vmg = set1(mg), vmgx = set1(mgx), one = set1(1.0f);
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec g = mul(chunk.load(dy + i), gamma ? chunk.load(gamma + i) : one);
    const Vec t = mul(mul(sub(chunk.load(x + i), m), r), vmgx);
    chunk.store(dx + i, mul(r, sub(sub(g, vmg), t)));
  });
}

void dropout_apply(size_t n, const float* u, const float* in, float p, float scale, float* out) {
  const Vec vp = set1(p), s = set1(scale);
  for_each_chunk(n, [&](size_t i, auto chunk) {
    chunk.store(out + i, select(cmp_lt(chunk.load(u + i), vp), zero(), mul(chunk.load(in + i), s)));
  });
}

}  // namespace

extern const LayerKernels kLayerKernels = {window_max,       window_max_grad,      window_sum,     window_add, broadcast_scale,
                                           block_moments,    add_dy_dev,           affine,         bn_dx,
                                           affine_t<true>,   add_dy_dev_t<true>,   bn_dx_t<true>,  affine_add_relu,
                                           add_dy_dev_mask,  add_relu,             relu_grad_split,
                                           ln_param_grads,   ln_dx,                dropout_apply};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

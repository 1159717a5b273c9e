// Layer kernels (pooling, batch/layer normalization, BatchNorm / Add fused with ReLU, dropout): the drivers
// on every runnable ISA against their plain scalar references (*_reference),
// bit for bit, on fuzzer-chosen shapes, windows, paddings, thread counts and
// values (NaN and ties included for max pooling).
#include <cmath>
#include <cstring>
#include <vector>

#include "../src/core/thread_pool.h"
#include "../src/kernels/conv/pool2d.h"
#include "../src/kernels/layers/add_relu.h"
#include "../src/kernels/layers/dropout.h"
#include "../src/kernels/norm/batchnorm.h"
#include "../src/kernels/norm/layernorm.h"
#include "../src/simd/cpu_features.h"
#include "../src/simd/dispatch.h"
#include "fuzz_input.h"

namespace {

using simdtrain::Isa;

void same(const char* what, const char* isa, const std::vector<float>& got, const std::vector<float>& want) {
  if (got.size() != want.size() || (!want.empty() && std::memcmp(got.data(), want.data(), want.size() * sizeof(float)) != 0)) {
    for (size_t i = 0; i < want.size() && i < got.size(); ++i) {
      if (std::memcmp(&got[i], &want[i], sizeof(float)) != 0) fuzz::mismatch(what, isa, want.size(), got[i], want[i]);
    }
    fuzz::mismatch(what, isa, want.size(), static_cast<double>(got.size()), static_cast<double>(want.size()));
  }
}

// Every output of one configuration (pooling, norms, dropout), by the reference or the fast drivers.
struct Case {
  simdtrain::Pool2dShape pool;
  bool include_pad = true;
  size_t rows = 0, c = 0;
  float p = 0.0f;
  std::vector<float> px, pdy, x, dy, gamma, beta;

  template <bool kRef>
  std::vector<float> run() const {
    using namespace simdtrain;
    std::vector<float> out;
    auto put = [&](const std::vector<float>& v) { out.insert(out.end(), v.begin(), v.end()); };
    if (pool2d_check(pool) == nullptr) {
      std::vector<float> y(pool.y_size()), dx(pool.x_size());
      kRef ? maxpool2d_forward_reference(pool, px.data(), y.data()) : maxpool2d_forward(pool, px.data(), y.data());
      put(y);
      kRef ? maxpool2d_backward_reference(pool, px.data(), pdy.data(), dx.data()) : maxpool2d_backward(pool, px.data(), pdy.data(), dx.data());
      put(dx);
      kRef ? avgpool2d_forward_reference(pool, px.data(), y.data(), include_pad) : avgpool2d_forward(pool, px.data(), y.data(), include_pad);
      put(y);
      kRef ? avgpool2d_backward_reference(pool, pdy.data(), dx.data(), include_pad) : avgpool2d_backward(pool, pdy.data(), dx.data(), include_pad);
      put(dx);
      const size_t hw = pool.in_h * pool.in_w;
      std::vector<float> g(pool.batch * pool.c);
      kRef ? global_avgpool_forward_reference(pool.batch, hw, pool.c, px.data(), g.data()) : global_avgpool_forward(pool.batch, hw, pool.c, px.data(), g.data());
      put(g);
      kRef ? global_avgpool_backward_reference(pool.batch, hw, pool.c, g.data(), dx.data()) : global_avgpool_backward(pool.batch, hw, pool.c, g.data(), dx.data());
      put(dx);
    }
    const size_t n = rows * c;
    std::vector<float> rm(c, 0.1f), rv(c, 1.5f), sm(c), si(c), y(n), dx(n), dg(c), db(c);
    kRef ? batchnorm_forward_train_reference(rows, c, x.data(), gamma.data(), beta.data(), 1e-5f, 0.1f, rm.data(), rv.data(), sm.data(), si.data(), y.data())
         : batchnorm_forward_train(rows, c, x.data(), gamma.data(), beta.data(), 1e-5f, 0.1f, rm.data(), rv.data(), sm.data(), si.data(), y.data());
    put(y), put(rm), put(rv), put(sm), put(si);
    kRef ? batchnorm_backward_reference(rows, c, x.data(), dy.data(), gamma.data(), sm.data(), si.data(), dx.data(), dg.data(), db.data(), false)
         : batchnorm_backward(rows, c, x.data(), dy.data(), gamma.data(), sm.data(), si.data(), dx.data(), dg.data(), db.data(), false);
    put(dx), put(dg), put(db);
    // BatchNorm + ReLU and Add + ReLU (the graph's fusions).
    std::vector<float> z(n), kept(2 * c);
    kRef ? batchnorm_forward_train_reference(rows, c, x.data(), gamma.data(), beta.data(), 1e-5f, 0.1f, rm.data(), rv.data(), sm.data(), si.data(), z.data(), kept.data())
         : batchnorm_forward_train(rows, c, x.data(), gamma.data(), beta.data(), 1e-5f, 0.1f, rm.data(), rv.data(), sm.data(), si.data(), z.data(), kept.data());
    put(z), put(kept);
    kRef ? batchnorm_backward_reference(rows, c, x.data(), dy.data(), gamma.data(), sm.data(), si.data(), dx.data(), dg.data(), db.data(), false, kept.data())
         : batchnorm_backward(rows, c, x.data(), dy.data(), gamma.data(), sm.data(), si.data(), dx.data(), dg.data(), db.data(), false, kept.data());
    put(dx), put(dg), put(db);
    kRef ? add_relu_reference(n, x.data(), dy.data(), z.data()) : add_relu(n, x.data(), dy.data(), z.data());
    put(z);
    kRef ? relu_grad_split_reference(n, z.data(), dy.data(), dx.data(), y.data()) : relu_grad_split(n, z.data(), dy.data(), dx.data(), y.data());
    put(dx), put(y);
    kRef ? batchnorm_forward_eval_reference(rows, c, x.data(), nullptr, beta.data(), rm.data(), rv.data(), 1e-3f, y.data())
         : batchnorm_forward_eval(rows, c, x.data(), nullptr, beta.data(), rm.data(), rv.data(), 1e-3f, y.data());
    put(y);
    std::vector<float> lm(rows), lr(rows);
    kRef ? layernorm_forward_reference(rows, c, x.data(), gamma.data(), nullptr, 1e-5f, lm.data(), lr.data(), y.data())
         : layernorm_forward(rows, c, x.data(), gamma.data(), nullptr, 1e-5f, lm.data(), lr.data(), y.data());
    put(y), put(lm), put(lr);
    kRef ? layernorm_backward_reference(rows, c, x.data(), dy.data(), gamma.data(), lm.data(), lr.data(), dx.data(), dg.data(), db.data(), false)
         : layernorm_backward(rows, c, x.data(), dy.data(), gamma.data(), lm.data(), lr.data(), dx.data(), dg.data(), db.data(), false);
    put(dx), put(dg), put(db);
    kRef ? dropout_forward_reference(n, x.data(), p, 11, 3, y.data()) : dropout_forward(n, x.data(), p, 11, 3, y.data());
    put(y);
    return out;
  }
};

void fuzz_layers(fuzz::Input& in) {
  Case k;
  simdtrain::Pool2dShape& s = k.pool;
  s.batch = in.size(3), s.in_h = 1 + in.size(9), s.in_w = 1 + in.size(9), s.c = 1 + in.size(40);
  s.kh = 1 + in.byte() % 4, s.kw = 1 + in.byte() % 4;
  s.stride_h = 1 + in.byte() % 3, s.stride_w = 1 + in.byte() % 3;
  s.pad_top = in.byte() % 3, s.pad_bottom = in.byte() % 3, s.pad_left = in.byte() % 3, s.pad_right = in.byte() % 3;
  k.include_pad = in.byte() & 1;
  k.px = in.floats(s.x_size(), 4.0f);
  for (size_t i = 0; i < k.px.size(); ++i) {
    const uint8_t b = in.byte();
    if (b == 1) k.px[i] = NAN;
    if (b == 2 && i) k.px[i] = k.px[i - 1];  // ties
  }
  k.pdy = in.floats(pool2d_check(s) == nullptr ? s.y_size() : 0, 1.0f);
  k.pdy.resize(pool2d_check(s) == nullptr ? std::max(s.y_size(), s.batch * s.c) : 0);
  k.rows = in.size(70), k.c = 1 + in.size(70);
  const float range = 1.0f + static_cast<float>(in.byte() % 100);
  k.x = in.floats(k.rows * k.c, range);
  const float shift = in.value(50.0f);
  for (float& v : k.x) v += shift;
  k.dy = in.floats(k.rows * k.c, 1.0f);
  k.gamma = in.floats(k.c, 2.0f), k.beta = in.floats(k.c, 2.0f);
  k.p = static_cast<float>(in.byte() % 100) / 100.0f;

  simdtrain::set_num_threads(1 + in.byte() % 2);
  simdtrain::set_active_isa(Isa::scalar);
  const std::vector<float> want = k.run<true>();
  for (int i = 0; i < simdtrain::kIsaCount; ++i) {
    const Isa isa = static_cast<Isa>(i);
    if (!simdtrain::cpu_supports(isa) || !simdtrain::set_active_isa(isa)) continue;
    same("layer kernels", simdtrain::isa_name(isa), k.run<false>(), want);
  }
  simdtrain::set_active_isa(simdtrain::best_supported_isa());
}

fuzz::TargetRegistrar registrar("layers", fuzz_layers);

}  // namespace

// Layer kernels before/after in ONE process: the plain scalar reference (the
// code these kernels were before the per-ISA inner loops, kept as
// *_reference) against the per-ISA path with each runnable ISA forced,
// alternating rounds so all see the same host noise. bench/layers.bench.js
// builds and runs it; it prints one JSON object:
//   layer_kernels_bench <threads> <min_seconds> <rounds>
// Each figure is the fastest timed batch over all rounds, in seconds per call:
// on a shared, oversubscribed machine the minimum is the figure least
// disturbed by other processes (medians move with the load).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "../../native/src/core/thread_pool.h"
#include "../../native/src/kernels/conv/pool2d.h"
#include "../../native/src/kernels/layers/dropout.h"
#include "../../native/src/kernels/norm/batchnorm.h"
#include "../../native/src/kernels/norm/layernorm.h"
#include "../../native/src/simd/cpu_features.h"
#include "../../native/src/simd/dispatch.h"

using namespace simdtrain;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

std::vector<float> random_floats(size_t n, unsigned seed) {
  std::vector<float> v(n);
  unsigned x = seed * 2654435761u + 1;
  for (auto& f : v) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    f = static_cast<float>(x >> 8) / 8388608.0f - 1.0f;
  }
  return v;
}

// Fastest batch's seconds per call over ~min_seconds.
double time_it(const std::function<void()>& fn, double min_seconds) {
  fn();
  size_t batch = 1;
  for (;;) {
    const double t0 = now();
    for (size_t i = 0; i < batch; ++i) fn();
    if (now() - t0 >= min_seconds / 20 || batch >= (1u << 20)) break;
    batch *= 2;
  }
  std::vector<double> samples;
  const double start = now();
  while (samples.size() < 5 || (now() - start < min_seconds && samples.size() < 100)) {
    const double t0 = now();
    for (size_t i = 0; i < batch; ++i) fn();
    samples.push_back((now() - t0) / batch);
  }
  return *std::min_element(samples.begin(), samples.end());
}

struct Case {
  std::string name;
  std::function<void()> reference, fast;
};

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  const double min_seconds = argc > 2 ? std::atof(argv[2]) : 0.2;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 2;
  set_num_threads(threads);

  // mnist_convnet's first pool (batch 128, 26x26x32, 2x2), ResNet-20's first
  // stage BatchNorm (128 x 32x32 x 16), its global average pool (8x8x64), a
  // transformer-ish LayerNorm (8192 rows x 256), dropout on mnist's 128 x 1600 flatten.
  Pool2dShape p;
  p.batch = 128, p.in_h = 26, p.in_w = 26, p.c = 32, p.kh = p.kw = 2, p.stride_h = p.stride_w = 2;
  Pool2dShape a = p;
  a.in_h = a.in_w = 16, a.c = 32, a.kh = a.kw = 3, a.stride_h = a.stride_w = 1, a.pad_top = a.pad_bottom = a.pad_left = a.pad_right = 1;
  static std::vector<float> px = random_floats(p.x_size(), 1), py(p.y_size()), pdy = random_floats(p.y_size(), 2), pdx(p.x_size());
  static std::vector<float> ax = random_floats(a.x_size(), 3), ay(a.y_size()), ady = random_floats(a.y_size(), 4), adx(a.x_size());
  const size_t gb = 128, ghw = 64, gc = 64;
  static std::vector<float> gx = random_floats(gb * ghw * gc, 5), gy(gb * gc), gdy = random_floats(gb * gc, 6), gdx(gb * ghw * gc);
  const size_t bn_rows = 128 * 32 * 32, bn_c = 16;
  static std::vector<float> bx = random_floats(bn_rows * bn_c, 7), bdy = random_floats(bn_rows * bn_c, 8), by(bn_rows * bn_c), bdx(bn_rows * bn_c);
  static std::vector<float> gamma(bn_c, 1.1f), beta(bn_c, 0.1f), rm(bn_c, 0.0f), rv(bn_c, 1.0f), sm(bn_c), si(bn_c), dg(bn_c), db(bn_c);
  const size_t ln_rows = 8192, ln_d = 256;
  static std::vector<float> lx = random_floats(ln_rows * ln_d, 9), ldy = random_floats(ln_rows * ln_d, 10), ly(ln_rows * ln_d), ldx(ln_rows * ln_d);
  static std::vector<float> lg(ln_d, 1.1f), lb(ln_d, 0.1f), lm(ln_rows), lr(ln_rows), ldg(ln_d), ldb(ln_d);
  const size_t dn = 128 * 1600;
  static std::vector<float> dxv = random_floats(dn, 11), dyv(dn);

  std::vector<Case> cases = {
      {"maxpool2d forward 128x26x26x32 k2", [&] { maxpool2d_forward_reference(p, px.data(), py.data()); }, [&] { maxpool2d_forward(p, px.data(), py.data()); }},
      {"maxpool2d backward", [&] { maxpool2d_backward_reference(p, px.data(), pdy.data(), pdx.data()); }, [&] { maxpool2d_backward(p, px.data(), pdy.data(), pdx.data()); }},
      {"avgpool2d forward 128x16x16x32 k3 p1", [&] { avgpool2d_forward_reference(a, ax.data(), ay.data(), true); }, [&] { avgpool2d_forward(a, ax.data(), ay.data(), true); }},
      {"avgpool2d backward", [&] { avgpool2d_backward_reference(a, ady.data(), adx.data(), true); }, [&] { avgpool2d_backward(a, ady.data(), adx.data(), true); }},
      {"global avgpool forward 128x8x8x64", [&] { global_avgpool_forward_reference(gb, ghw, gc, gx.data(), gy.data()); }, [&] { global_avgpool_forward(gb, ghw, gc, gx.data(), gy.data()); }},
      {"global avgpool backward", [&] { global_avgpool_backward_reference(gb, ghw, gc, gdy.data(), gdx.data()); }, [&] { global_avgpool_backward(gb, ghw, gc, gdy.data(), gdx.data()); }},
      {"batchnorm train forward 131072x16", [&] { batchnorm_forward_train_reference(bn_rows, bn_c, bx.data(), gamma.data(), beta.data(), 1e-5f, 0.1f, rm.data(), rv.data(), sm.data(), si.data(), by.data()); },
       [&] { batchnorm_forward_train(bn_rows, bn_c, bx.data(), gamma.data(), beta.data(), 1e-5f, 0.1f, rm.data(), rv.data(), sm.data(), si.data(), by.data()); }},
      {"batchnorm eval forward", [&] { batchnorm_forward_eval_reference(bn_rows, bn_c, bx.data(), gamma.data(), beta.data(), rm.data(), rv.data(), 1e-5f, by.data()); },
       [&] { batchnorm_forward_eval(bn_rows, bn_c, bx.data(), gamma.data(), beta.data(), rm.data(), rv.data(), 1e-5f, by.data()); }},
      {"batchnorm backward", [&] { batchnorm_backward_reference(bn_rows, bn_c, bx.data(), bdy.data(), gamma.data(), sm.data(), si.data(), bdx.data(), dg.data(), db.data(), false); },
       [&] { batchnorm_backward(bn_rows, bn_c, bx.data(), bdy.data(), gamma.data(), sm.data(), si.data(), bdx.data(), dg.data(), db.data(), false); }},
      {"layernorm forward 8192x256", [&] { layernorm_forward_reference(ln_rows, ln_d, lx.data(), lg.data(), lb.data(), 1e-5f, lm.data(), lr.data(), ly.data()); },
       [&] { layernorm_forward(ln_rows, ln_d, lx.data(), lg.data(), lb.data(), 1e-5f, lm.data(), lr.data(), ly.data()); }},
      {"layernorm backward", [&] { layernorm_backward_reference(ln_rows, ln_d, lx.data(), ldy.data(), lg.data(), lm.data(), lr.data(), ldx.data(), ldg.data(), ldb.data(), false); },
       [&] { layernorm_backward(ln_rows, ln_d, lx.data(), ldy.data(), lg.data(), lm.data(), lr.data(), ldx.data(), ldg.data(), ldb.data(), false); }},
      {"dropout forward 128x1600 p0.5", [&] { dropout_forward_reference(dn, dxv.data(), 0.5f, 1, 0, dyv.data()); }, [&] { dropout_forward(dn, dxv.data(), 0.5f, 1, 0, dyv.data()); }},
  };

  std::vector<Isa> isas;
  for (int i = 0; i < kIsaCount; ++i)
    if (cpu_supports(static_cast<Isa>(i))) isas.push_back(static_cast<Isa>(i));
  std::printf("{\"threads\":%d,\"results\":[", threads);
  for (size_t c = 0; c < cases.size(); ++c) {
    double ref = 1e30;
    std::vector<double> fast(isas.size(), 1e30);
    for (int r = 0; r < rounds; ++r) {
      set_active_isa(best_supported_isa());
      ref = std::min(ref, time_it(cases[c].reference, min_seconds));
      for (size_t i = 0; i < isas.size(); ++i) {
        set_active_isa(isas[i]);
        fast[i] = std::min(fast[i], time_it(cases[c].fast, min_seconds));
      }
    }
    std::printf("%s{\"name\":\"%s\",\"reference\":%.9g", c ? "," : "", cases[c].name.c_str(), ref);
    for (size_t i = 0; i < isas.size(); ++i) std::printf(",\"%s\":%.9g", isa_name(isas[i]), fast[i]);
    std::printf("}");
  }
  std::printf("]}\n");
  set_active_isa(best_supported_isa());
  return 0;
}

// conv2d's GEMM paths (forward, input and filter gradients) against the
// double-precision loop reference, over stride / dilation / padding / groups
// combinations whose sizes hit every vector tail, on every ISA, 1 and 2
// threads; the result must not depend on the thread count; the Winograd
// input pre-op (a folded BatchNorm + ReLU) against the stored pre-op; the
// output row blocks handed over to a callback.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "../src/core/thread_pool.h"
#include "../src/kernels/conv/conv2d.h"
#include "../src/kernels/conv/conv_winograd_path.h"
#include "../src/kernels/norm/batchnorm.h"
#include "../src/simd/cpu_features.h"
#include "../src/simd/dispatch.h"
#include "test_framework.h"
#include "test_util.h"

using namespace simdtrain;

namespace {

Conv2dShape shape(size_t batch, size_t h, size_t w, size_t cin, size_t cout, size_t k, size_t stride, size_t pad,
                  size_t dil, size_t groups) {
  Conv2dShape s;
  s.batch = batch;
  s.in_h = h;
  s.in_w = w;
  s.in_c = cin;
  s.out_c = cout;
  s.kh = s.kw = k;
  s.stride_h = s.stride_w = stride;
  s.pad_top = s.pad_bottom = s.pad_left = s.pad_right = pad;
  s.dil_h = s.dil_w = dil;
  s.groups = groups;
  return s;
}

std::vector<Conv2dShape> cases() {
  std::vector<Conv2dShape> v = {
      shape(2, 7, 6, 3, 5, 3, 1, 0, 1, 1),    // valid 3x3, odd channels
      shape(3, 8, 9, 1, 17, 3, 1, 1, 1, 1),   // single input channel, padding
      shape(2, 9, 7, 4, 6, 3, 2, 1, 1, 2),    // stride 2, groups 2
      shape(1, 11, 10, 6, 9, 3, 1, 2, 2, 3),  // dilation 2, groups 3
      shape(2, 5, 5, 16, 33, 1, 1, 0, 1, 1),  // pointwise: x read in place
      shape(2, 6, 6, 8, 4, 1, 2, 0, 1, 1),    // strided 1x1 (ResNet shortcut)
      shape(2, 6, 7, 8, 8, 3, 1, 1, 1, 8),    // depthwise
      shape(2, 6, 5, 5, 10, 3, 2, 1, 1, 5),   // depthwise, multiplier 2, stride 2
      shape(2, 4, 5, 6, 12, 1, 1, 0, 1, 6),   // depthwise 1x1 (no im2col, no padding)
      shape(1, 9, 8, 17, 17, 3, 2, 2, 2, 17), // depthwise, stride 2 + dilation 2
      shape(1, 4, 4, 2, 3, 4, 1, 3, 1, 1),    // window wider than input, heavy padding
      shape(0, 5, 5, 2, 3, 3, 1, 0, 1, 1),    // empty batch
      // Direct path on every ISA (channels fill whole vectors): padded,
      // strided + dilated, narrow rows (ow < register block), wide rows.
      shape(2, 9, 13, 16, 32, 3, 1, 1, 1, 1),
      shape(1, 11, 9, 32, 16, 3, 2, 2, 2, 1),
      shape(2, 3, 3, 16, 64, 3, 1, 1, 1, 1),
      shape(1, 4, 30, 48, 48, 3, 1, 2, 2, 1),
      // Direct filter gradients over several pixel chunks (64 pixels: a last
      // partial chunk; rows of 64 or more pixels, one row per chunk) and
      // strided 1x1 (ResNet's shortcut) with channels that fill vectors.
      shape(3, 17, 15, 8, 16, 3, 2, 1, 1, 1),
      shape(1, 3, 131, 16, 8, 3, 1, 1, 1, 1),
      shape(2, 9, 11, 16, 32, 1, 2, 0, 1, 1),
      // Strided input gradients class by class: stride 3 (a class no tap
      // reaches with 1x1 / 2x2 filters), even kernels, odd sizes, wide padding.
      shape(2, 10, 11, 8, 16, 2, 3, 1, 1, 1),
      shape(1, 11, 13, 16, 8, 1, 3, 0, 1, 1),
      shape(2, 9, 8, 8, 8, 4, 2, 3, 1, 1),
      shape(3, 7, 9, 24, 16, 5, 2, 2, 1, 1),
      // Direct padded copies in several chunks (one 42x42x48 padded image per chunk).
      shape(3, 40, 40, 48, 8, 3, 2, 1, 1, 1),
      // Direct forward blocks narrower than the register block: 2 pixels, 1 pixel.
      shape(1, 3, 4, 8, 16, 3, 1, 0, 1, 1),
      shape(1, 3, 3, 8, 24, 3, 1, 0, 1, 1),
      // Winograd (each tile forced) on every ISA: odd and even output sizes (partial
      // tiles), no / wide padding, one-tile images, mnist_convnet's conv2.
      shape(3, 13, 13, 32, 64, 3, 1, 0, 1, 1),
      shape(2, 8, 8, 16, 16, 3, 1, 1, 1, 1),
      shape(1, 7, 10, 48, 16, 3, 1, 2, 1, 1),
      shape(5, 3, 4, 16, 32, 3, 1, 0, 1, 1),
      // F(4x4, 3x3): outputs 1-3 past a multiple of 4, a 4x4 output, wide channels.
      shape(2, 11, 12, 16, 24, 3, 1, 1, 1, 1),
      shape(1, 6, 6, 32, 16, 3, 1, 0, 1, 1),
      shape(2, 10, 9, 64, 64, 3, 1, 1, 1, 1),
      // Winograd filter-gradient parts of several chunks (more than 36 tiles each).
      shape(4, 32, 32, 16, 16, 3, 1, 1, 1, 1),
      // F(4x4, 3x3) input transform: tile rows of 10 tiles (42 columns through
      // its ring of 8), 24 channels (vector groups of 2 + 1 on AVX2, 4 + 2 on
      // SSE2), chunks starting mid row; padding 3 (the input gradient's windows
      // start inside dy).
      shape(2, 6, 38, 24, 16, 3, 1, 1, 1, 1),
      shape(1, 9, 9, 16, 16, 3, 1, 3, 1, 1),
      // F(4x4, 3x3) output transforms of channel vectors in pairs and an odd
      // last one (SSE2: 12 = 3 vectors, 4 = 1; scalar: 5 channels, 3).
      shape(2, 9, 10, 4, 12, 3, 1, 1, 1, 1),
      shape(1, 8, 9, 3, 5, 3, 1, 1, 1, 1),
      // Direct filter gradients whose dW rows end in a partial register block
      // (K = 27: 6-row blocks on AVX2, 12-row on scalar) over several chunks
      // of output rows: the last block must not add a chunk's terms twice.
      shape(1, 8, 40, 3, 16, 3, 1, 1, 1, 1),
  };
  Conv2dShape s = shape(2, 7, 8, 3, 7, 2, 1, 0, 1, 1);  // 'same' with an even kernel
  s.kh = 2;
  s.kw = 3;
  conv2d_same_padding(s.in_h, s.kh, s.stride_h, s.dil_h, &s.pad_top, &s.pad_bottom);
  conv2d_same_padding(s.in_w, s.kw, s.stride_w, s.dil_w, &s.pad_left, &s.pad_right);
  v.push_back(s);
  s = shape(2, 9, 6, 16, 16, 3, 1, 0, 1, 1);  // asymmetric padding (Winograd and direct)
  s.pad_top = 2, s.pad_left = 1, s.pad_right = 0;
  v.push_back(s);
  return v;
}

// |a - b| within a tolerance scaled by the number of terms.
void check_close(const std::vector<float>& got, const std::vector<float>& want, double terms) {
  CHECK(got.size() == want.size());
  for (size_t i = 0; i < got.size() && i < want.size(); ++i)
    CHECK_NEAR(got[i], want[i], 1e-5 * (1 + std::fabs(want[i])) * std::sqrt(terms + 1));
}

}  // namespace

TEST(conv2d_shape_arithmetic) {
  Conv2dShape s = shape(1, 28, 28, 1, 32, 3, 1, 0, 1, 1);
  CHECK(conv2d_check(s) == nullptr);
  CHECK(s.out_h() == 26 && s.out_w() == 26);
  s = shape(1, 32, 32, 16, 32, 3, 2, 1, 1, 1);
  CHECK(s.out_h() == 16);
  size_t a, b;
  conv2d_same_padding(32, 3, 2, 1, &a, &b);  // TF: total 1, extra after
  CHECK(a == 0 && b == 1);
  conv2d_same_padding(7, 4, 1, 1, &a, &b);
  CHECK(a == 1 && b == 2);
  CHECK(conv2d_check(shape(1, 2, 2, 1, 1, 3, 1, 0, 1, 1)) != nullptr);  // kernel > input
  CHECK(conv2d_check(shape(1, 5, 5, 3, 4, 3, 1, 0, 1, 2)) != nullptr);  // 3 % 2
  CHECK(conv2d_check(shape(1, 5, 5, 2, 4, 3, 0, 0, 1, 1)) != nullptr);  // stride 0
}

TEST(conv2d_matches_reference_on_every_isa_and_thread_count) {
  for (const Conv2dShape& s : cases()) {
    CHECK(conv2d_check(s) == nullptr);
    const size_t xs = s.x_size(), ys = s.y_size(), ws = s.w_size();
    const std::vector<float> x = testing::random_floats(xs, 3), w = testing::random_floats(ws, 5),
                             bias = testing::random_floats(s.out_c, 7), dy = testing::random_floats(ys, 11);
    std::vector<float> y_ref(ys), dx_ref(xs), dw_ref(ws, 0.25f), db_ref(s.out_c, 0.5f);
    conv2d_forward_reference(s, x.data(), w.data(), bias.data(), Activation::relu, y_ref.data());
    conv2d_backward_reference(s, x.data(), w.data(), dy.data(), dx_ref.data(), dw_ref.data(), db_ref.data(), true);
    const double k_terms = static_cast<double>(s.kh * s.kw * s.in_c / s.groups);
    const double m_terms = static_cast<double>(s.batch * s.out_h() * s.out_w());
    // Winograd's forward and input gradient with each output tile forced (0: the rule).
    const std::pair<ConvAlgo, size_t> variants[] = {{ConvAlgo::automatic, 0}, {ConvAlgo::im2col, 0}, {ConvAlgo::direct, 0},
                                                    {ConvAlgo::winograd, 2}, {ConvAlgo::winograd, 4}};
    for (const auto& [algo, tile] : variants)
    for (auto isa : testing::runnable_isas()) {
      winograd_force_tile(tile);
      std::vector<float> first_y, first_dx, first_dw;
      for (int threads : {1, 2}) {
        set_active_isa(isa);
        set_num_threads(threads);
        conv2d_force_algorithm(algo);
        std::vector<float> ws_buf(conv2d_workspace_floats(s) + 1, NAN);
        std::vector<float> y(ys, NAN), dx(xs, NAN), dw(ws, 0.25f), db(s.out_c, 0.5f);
        conv2d_forward(s, x.data(), w.data(), bias.data(), Activation::relu, y.data(), ws_buf.data());
        conv2d_backward(s, x.data(), w.data(), dy.data(), dx.data(), dw.data(), db.data(), true, ws_buf.data());
        { size_t bad = 0; for (size_t i = 0; i < ys; ++i) bad += std::fabs(y[i] - y_ref[i]) > 1e-3 * (1 + std::fabs(y_ref[i]));
          if (bad) std::fprintf(stderr, "DEBUG bad y %zu: shape %zu,%zu,%zu,%zu,%zu k%zu pad%zu algo %d tile %zu isa %d threads %d\n", bad, s.batch, s.in_h, s.in_w, s.in_c, s.out_c, s.kh, s.pad_top, (int)algo, tile, (int)isa, threads); }
        check_close(y, y_ref, k_terms);
        check_close(dx, dx_ref, static_cast<double>(s.kh * s.kw * s.out_c));
        check_close(dw, dw_ref, m_terms);
        check_close(db, db_ref, m_terms);
        // Overwriting mode and the split entry points.
        std::vector<float> dw2(ws, NAN), db2(s.out_c, NAN), dx2(xs, NAN);
        conv2d_backward_filter(s, x.data(), dy.data(), dw2.data(), db2.data(), false, ws_buf.data());
        conv2d_backward_input(s, w.data(), dy.data(), dx2.data(), ws_buf.data());
        for (size_t i = 0; i < ws; ++i) CHECK_NEAR(dw2[i] + 0.25f, dw[i], 1e-5 * std::sqrt(m_terms + 1) * (1 + std::fabs(dw[i])));
        CHECK(dx2 == dx);
        if (threads == 1) {
          first_y = y;
          first_dx = dx;
          first_dw = dw;
        } else {
          CHECK(y == first_y);
          CHECK(dx == first_dx);
          CHECK(dw == first_dw);
        }
      }
    }
  }
  conv2d_force_algorithm(ConvAlgo::automatic);
  winograd_force_tile(0);
  set_active_isa(best_supported_isa());
  set_num_threads(2);
}

// The input gradient's accumulate mode (add_dx) on every path, ISA and
// thread count: dx (holding earlier values) + the full result, bit for bit
// the overwriting mode's result added afterwards, and close to the
// reference; dx pixels no output reads keep their values; the in-place 1x1
// path both with a one-block GEMM (beta = 1) and staged (depth > 256).
TEST(conv2d_input_gradient_accumulate_adds_the_overwritten_result) {
  std::vector<Conv2dShape> all = cases();
  all.push_back(shape(2, 3, 4, 8, 264, 1, 1, 0, 1, 1));  // in place, GEMM depth 264 > one block: staged
  all.push_back(shape(2, 7, 7, 16, 8, 1, 2, 0, 1, 1));   // 1x1 stride 2: odd pixels get no term
  all.push_back(shape(9, 5, 6, 8, 8, 3, 1, 1, 1, 8));    // depthwise, more images than the accumulate's parts
  const std::pair<ConvAlgo, size_t> variants[] = {{ConvAlgo::automatic, 0}, {ConvAlgo::im2col, 0}, {ConvAlgo::direct, 0},
                                                  {ConvAlgo::winograd, 2}, {ConvAlgo::winograd, 4}};
  std::vector<ConvAlgo> seen;
  for (const Conv2dShape& s : all) {
    CHECK(conv2d_check(s) == nullptr);
    const size_t xs = s.x_size(), ys = s.y_size(), ws = s.w_size();
    const std::vector<float> w = testing::random_floats(ws, 5), dy = testing::random_floats(ys, 11),
                             home = testing::random_floats(xs, 13);
    std::vector<float> x(xs, 0.0f), dx_ref(xs), dw_ref(ws), db_ref(s.out_c);
    conv2d_backward_reference(s, x.data(), w.data(), dy.data(), dx_ref.data(), dw_ref.data(), db_ref.data(), false);
    for (const auto& [algo, tile] : variants)
      for (auto isa : testing::runnable_isas()) {
        winograd_force_tile(tile);
        set_active_isa(isa);
        conv2d_force_algorithm(algo);
        seen.push_back(conv2d_input_algorithm(s));
        std::vector<float> first;
        for (int threads : {1, 2}) {
          set_num_threads(threads);
          std::vector<float> ws_buf(conv2d_workspace_floats(s) + 1, NAN);
          std::vector<float> over(xs, NAN), added = home;
          conv2d_backward_input(s, w.data(), dy.data(), over.data(), ws_buf.data());
          conv2d_backward_input(s, w.data(), dy.data(), added.data(), ws_buf.data(), true);
          size_t exact = 0;
          for (size_t i = 0; i < xs; ++i) {
            const float want = home[i] + over[i];
            exact += std::memcmp(&added[i], &want, sizeof(float)) == 0;
            CHECK_NEAR(added[i], home[i] + dx_ref[i], 1e-5 * (1 + std::fabs(home[i] + dx_ref[i])) * std::sqrt(s.kh * s.kw * s.out_c + 1.0));
          }
          CHECK(exact == xs);
          // Through conv2d_backward too (the graph's call), parameter gradients unchanged by add_dx.
          std::vector<float> added2 = home, dw(ws), db(s.out_c), dw2(ws), db2(s.out_c), scratch(xs);
          conv2d_backward(s, x.data(), w.data(), dy.data(), scratch.data(), dw.data(), db.data(), false, ws_buf.data());
          conv2d_backward(s, x.data(), w.data(), dy.data(), added2.data(), dw2.data(), db2.data(), false, ws_buf.data(), true);
          CHECK(added2 == added && dw2 == dw && db2 == db);
          if (threads == 1) first = added;
          else CHECK(added == first);
        }
      }
  }
  // Every path ran in accumulate mode.
  for (ConvAlgo a : {ConvAlgo::im2col, ConvAlgo::direct, ConvAlgo::winograd, ConvAlgo::depthwise})
    CHECK(std::find(seen.begin(), seen.end(), a) != seen.end());
  conv2d_force_algorithm(ConvAlgo::automatic);
  winograd_force_tile(0);
  set_active_isa(best_supported_isa());
  set_num_threads(2);
}

// The choice per pass: Winograd for 3x3 stride-1 layers whose channels fill
// vectors (mnist_convnet's conv2, ResNet's 3x3 blocks), never for the
// single-channel first layer, strided or grouped shapes.
TEST(conv2d_picks_winograd_where_it_applies) {
  for (auto isa : testing::runnable_isas()) {
    set_active_isa(isa);
    const Conv2dShape conv2 = shape(128, 13, 13, 32, 64, 3, 1, 0, 1, 1), block = shape(128, 16, 16, 32, 32, 3, 1, 1, 1, 1);
    CHECK(conv2d_forward_algorithm(conv2) == ConvAlgo::winograd);
    CHECK(conv2d_input_algorithm(conv2) == ConvAlgo::winograd);
    CHECK(conv2d_filter_algorithm(block) == ConvAlgo::winograd);
    // F(4x4, 3x3) tiles for outputs of at least 4x4 (measured faster on every such layer), else F(2x2, 3x3).
    CHECK(winograd_forward_tile(conv2) == 4 && winograd_input_tile(conv2) == 4 && winograd_forward_tile(block) == 4);
    CHECK(winograd_forward_tile(shape(2, 5, 8, 16, 16, 3, 1, 0, 1, 1)) == 2);
    CHECK(conv2d_forward_algorithm(shape(128, 32, 32, 16, 32, 3, 2, 1, 1, 1)) != ConvAlgo::winograd);
    CHECK(conv2d_forward_algorithm(shape(2, 6, 7, 16, 16, 3, 1, 1, 1, 16)) == ConvAlgo::depthwise);
    // Filter gradients of strided layers (3x3 and ResNet's 1x1 shortcut):
    // direct on every ISA (measured); other non-Winograd k x k ones (here
    // dilated): direct on AVX-512, im2col on narrower vectors, direct again
    // when forced.
    const Conv2dShape strided = shape(128, 32, 32, 16, 32, 3, 2, 1, 1, 1);
    const Conv2dShape shortcut = shape(128, 32, 32, 16, 32, 1, 2, 0, 1, 1);
    const Conv2dShape dilated = shape(128, 16, 16, 32, 32, 3, 1, 2, 2, 1);
    CHECK(conv2d_filter_algorithm(strided) == ConvAlgo::direct);
    CHECK(conv2d_filter_algorithm(shortcut) == ConvAlgo::direct);
    CHECK(conv2d_filter_algorithm(dilated) == (isa == Isa::avx512 ? ConvAlgo::direct : ConvAlgo::im2col));
    // Strided input gradients: direct for k x k filters, im2col for 1x1 (measured).
    CHECK(conv2d_input_algorithm(strided) == ConvAlgo::direct);
    CHECK(conv2d_input_algorithm(shortcut) == ConvAlgo::im2col);
    conv2d_force_algorithm(ConvAlgo::direct);
    CHECK(conv2d_filter_algorithm(dilated) == ConvAlgo::direct);
    CHECK(conv2d_forward_algorithm(conv2) == ConvAlgo::direct);
    conv2d_force_algorithm(ConvAlgo::im2col);
    CHECK(conv2d_filter_algorithm(conv2) == ConvAlgo::im2col);
    conv2d_force_algorithm(ConvAlgo::automatic);
  }
  set_active_isa(best_supported_isa());
}

// The input pre-op (a BatchNorm + ReLU folded into the Winograd input
// transform, conv2d.h ConvInputAffine) on every Winograd shape of cases(),
// each tile forced, every ISA, 1 and 2 threads: the forward and filter
// gradient give, bit for bit, the plain passes on the pre-op's output
// stored by the BatchNorm + ReLU kernel (which equals the scalar pre-op
// below), close to the reference convolution of it; padding stays zero
// (biases map 0 to positive values); elsewhere the calls throw.
TEST(conv2d_winograd_input_affine_gives_the_stored_pre_op_bits) {
  size_t tested = 0;
  for (const Conv2dShape& s : cases()) {
    set_active_isa(best_supported_isa());  // the widest vectors: the shape suits every ISA
    if (!s.batch || !conv2d_input_affine_ok(s)) continue;
    const size_t xs = s.x_size(), ys = s.y_size(), ws = s.w_size(), c = s.in_c;
    const size_t rows = s.batch * s.in_h * s.in_w;
    const std::vector<float> x = testing::random_floats(xs, 31), w = testing::random_floats(ws, 37),
                             bias = testing::random_floats(s.out_c, 41), dy = testing::random_floats(ys, 43),
                             shift = testing::random_floats(c, 47), scale = testing::random_floats(c, 53),
                             beta = testing::random_floats(c, 59);
    const ConvInputAffine pre{shift.data(), scale.data(), beta.data()};
    std::vector<float> xp_ref(xs), xp(xs, NAN);
    for (size_t r = 0; r < rows; ++r)
      for (size_t ch = 0; ch < c; ++ch) {
        const float v = (x[r * c + ch] - shift[ch]) * scale[ch] + beta[ch];
        xp_ref[r * c + ch] = v > 0.0f ? v : 0.0f;
      }
    batchnorm_relu_apply(rows, c, x.data(), shift.data(), scale.data(), beta.data(), xp.data());
    CHECK(std::memcmp(xp.data(), xp_ref.data(), xs * sizeof(float)) == 0);
    std::vector<float> y_ref(ys), dx_ref(xs), dw_ref(ws, 0.25f), db_ref(s.out_c, 0.5f);
    conv2d_forward_reference(s, xp_ref.data(), w.data(), bias.data(), Activation::relu, y_ref.data());
    conv2d_backward_reference(s, xp_ref.data(), w.data(), dy.data(), dx_ref.data(), dw_ref.data(), db_ref.data(), true);
    for (size_t tile : {2, 4})
      for (auto isa : testing::runnable_isas()) {
        winograd_force_tile(tile);
        set_active_isa(isa);
        std::vector<float> first_y, first_dw;
        for (int threads : {1, 2}) {
          set_num_threads(threads);
          CHECK(conv2d_input_affine_ok(s));
          std::vector<float> ws_buf(conv2d_workspace_floats(s) + 1, NAN);
          std::vector<float> y(ys, NAN), y_plain(ys, NAN), dw(ws, 0.25f), dw_plain(ws, 0.25f), db(s.out_c, 0.5f),
              db_plain(s.out_c, 0.5f);
          conv2d_forward_affine(s, x.data(), pre, w.data(), bias.data(), Activation::relu, y.data(), ws_buf.data());
          conv2d_forward(s, xp.data(), w.data(), bias.data(), Activation::relu, y_plain.data(), ws_buf.data());
          conv2d_backward_filter_affine(s, x.data(), pre, dy.data(), dw.data(), db.data(), true, ws_buf.data());
          conv2d_backward_filter(s, xp.data(), dy.data(), dw_plain.data(), db_plain.data(), true, ws_buf.data());
          CHECK(std::memcmp(y.data(), y_plain.data(), ys * sizeof(float)) == 0);
          CHECK(std::memcmp(dw.data(), dw_plain.data(), ws * sizeof(float)) == 0);
          CHECK(db == db_plain);
          check_close(y, y_ref, static_cast<double>(9 * s.in_c));
          check_close(dw, dw_ref, static_cast<double>(s.batch * s.out_h() * s.out_w()));
          if (threads == 1) {
            first_y = y, first_dw = dw;
          } else {
            CHECK(y == first_y && dw == first_dw);
          }
          ++tested;
        }
      }
  }
  CHECK(tested >= 8 * 2 * 2);  // every Winograd shape of cases(), both tiles, both thread counts
  winograd_force_tile(0);
  // Where a pass would not run Winograd, the pre-op calls refuse.
  Conv2dShape s = shape(1, 6, 6, 16, 16, 3, 1, 1, 1, 1);
  std::vector<float> buf(conv2d_workspace_floats(s) + s.x_size() + s.y_size() + s.w_size() + 64, 0.0f);
  const ConvInputAffine pre{buf.data(), buf.data(), buf.data()};
  for (ConvAlgo algo : {ConvAlgo::im2col, ConvAlgo::direct}) {
    conv2d_force_algorithm(algo);
    CHECK(!conv2d_input_affine_ok(s));
    bool threw = false;
    try {
      conv2d_forward_affine(s, buf.data(), pre, buf.data(), nullptr, Activation::none, buf.data() + 64, buf.data() + 64);
    } catch (const std::logic_error&) {
      threw = true;
    }
    CHECK(threw);
  }
  conv2d_force_algorithm(ConvAlgo::automatic);
  s.precision = Precision::bf16;
  CHECK(!conv2d_input_affine_ok(s));
  set_active_isa(best_supported_isa());
  set_num_threads(2);
}

// Output row blocks (conv2d.h ConvRowBlocks, the graph's Conv2D + BatchNorm
// statistics): on every shape of cases() plus shapes of several chunks per
// thread range and tile rows across range boundaries, each algorithm and
// Winograd tile forced, every ISA, 1 and 2 threads, blocks of 1, 7, 64 and
// 1000 rows: the forward, the pre-op forward and the input gradient (added
// to dx) call fn once per block with its exact row range, after the block's
// final values are stored (what fn sees equals the finished output), and
// give the bits of the pass without blocks; the filter gradient (plain, with
// a bias gradient, with the pre-op, and conv2d_backward's both passes) with
// dy written block by block by fn (NaN before) calls it once per block,
// before reading those rows: the bits of the pass on the whole dy.
namespace {
struct BlockLog {
  size_t rows, total, c;
  const float* out;
  std::vector<float> seen;
  std::unique_ptr<std::atomic<int>[]> calls;
  bool ranges_ok = true;
  BlockLog(size_t block_rows, size_t total_rows, size_t channels, const float* o)
      : rows(block_rows), total(total_rows), c(channels), out(o), seen(total_rows * channels, NAN),
        calls(new std::atomic<int>[(total_rows + block_rows - 1) / block_rows]) {
    for (size_t k = 0; k < count(); ++k) calls[k] = 0;
  }
  size_t count() const { return (total + rows - 1) / rows; }
  ConvRowBlocks blocks() {
    return {rows, [](void* p, size_t r0, size_t r1) {
              auto& l = *static_cast<BlockLog*>(p);
              const size_t k = r0 / l.rows;
              if (r0 % l.rows || r1 != std::min(l.total, r0 + l.rows)) l.ranges_ok = false;
              if (k < l.count()) ++l.calls[k];
              std::copy(l.out + r0 * l.c, l.out + r1 * l.c, l.seen.data() + r0 * l.c);
            },
            this};
  }
  bool once_each_final() const {
    for (size_t k = 0; k < count(); ++k)
      if (calls[k] != 1) return false;
    return ranges_ok && std::memcmp(seen.data(), out, seen.size() * sizeof(float)) == 0;
  }
  // The filter gradient's dy blocks: fn writes the block's rows of `from` to `to` (NaN until then).
  const float* from = nullptr;
  float* to = nullptr;
  ConvRowBlocks fill(const float* src, float* dst) {
    from = src, to = dst;
    return {rows, [](void* p, size_t r0, size_t r1) {
              auto& l = *static_cast<BlockLog*>(p);
              const size_t k = r0 / l.rows;
              if (r0 % l.rows || r1 != std::min(l.total, r0 + l.rows)) l.ranges_ok = false;
              if (k < l.count()) ++l.calls[k];
              std::copy(l.from + r0 * l.c, l.from + r1 * l.c, l.to + r0 * l.c);
            },
            this};
  }
  bool once_each() const {
    for (size_t k = 0; k < count(); ++k)
      if (calls[k] != 1) return false;
    return ranges_ok;
  }
};
}  // namespace

TEST(conv2d_row_blocks_are_handed_over_once_each_after_their_final_values) {
  std::vector<Conv2dShape> all = cases();
  all.push_back(shape(2, 30, 31, 32, 32, 3, 1, 1, 1, 1));  // several chunks per thread range, partial tiles
  all.push_back(shape(3, 9, 10, 16, 8, 3, 1, 0, 1, 1));    // a few tiles per range, rows across ranges
  const std::pair<ConvAlgo, size_t> variants[] = {{ConvAlgo::automatic, 0}, {ConvAlgo::im2col, 0}, {ConvAlgo::direct, 0},
                                                  {ConvAlgo::winograd, 2}, {ConvAlgo::winograd, 4}};
  size_t winograd_forward = 0, winograd_input = 0, affine = 0;
  for (const Conv2dShape& s : all) {
    const size_t xs = s.x_size(), ys = s.y_size(), ws = s.w_size();
    if (!s.batch) continue;
    const std::vector<float> x = testing::random_floats(xs, 61), w = testing::random_floats(ws, 67),
                             bias = testing::random_floats(s.out_c, 71), dy = testing::random_floats(ys, 73),
                             home = testing::random_floats(xs, 79), pc = testing::random_floats(3 * s.in_c, 83);
    const ConvInputAffine pre{pc.data(), pc.data() + s.in_c, pc.data() + 2 * s.in_c};
    const size_t out_rows = s.batch * s.out_h() * s.out_w(), in_rows = s.batch * s.in_h * s.in_w;
    for (const auto& [algo, tile] : variants)
      for (auto isa : testing::runnable_isas()) {
        winograd_force_tile(tile);
        set_active_isa(isa);
        conv2d_force_algorithm(algo);
        winograd_forward += conv2d_forward_algorithm(s) == ConvAlgo::winograd;
        winograd_input += conv2d_input_algorithm(s) == ConvAlgo::winograd;
        for (int threads : {1, 2}) {
          set_num_threads(threads);
          std::vector<float> ws_buf(conv2d_workspace_floats(s) + 1, NAN);
          std::vector<float> y(ys, NAN), dx = home, y_aff(ys, NAN);
          conv2d_forward(s, x.data(), w.data(), bias.data(), Activation::none, y.data(), ws_buf.data());
          conv2d_backward_input(s, w.data(), dy.data(), dx.data(), ws_buf.data(), true);
          const bool aff = conv2d_input_affine_ok(s);
          if (aff) conv2d_forward_affine(s, x.data(), pre, w.data(), bias.data(), Activation::none, y_aff.data(), ws_buf.data());
          std::vector<float> dw(ws), db(s.out_c), dw_aff(ws), dxb(xs);
          conv2d_backward_filter(s, x.data(), dy.data(), dw.data(), db.data(), false, ws_buf.data());
          if (aff) conv2d_backward_filter_affine(s, x.data(), pre, dy.data(), dw_aff.data(), nullptr, false, ws_buf.data());
          conv2d_backward(s, x.data(), w.data(), dy.data(), dxb.data(), dw.data(), nullptr, true, ws_buf.data());
          for (size_t rows : {1, 7, 64, 1000}) {
            std::vector<float> y2(ys, NAN), dx2 = home, y_aff2(ys, NAN);
            BlockLog fwd(rows, out_rows, s.out_c, y2.data()), inp(rows, in_rows, s.in_c, dx2.data());
            BlockLog fwd_aff(rows, out_rows, s.out_c, y_aff2.data());
            const ConvRowBlocks fb = fwd.blocks(), ib = inp.blocks(), ab = fwd_aff.blocks();
            conv2d_forward(s, x.data(), w.data(), bias.data(), Activation::none, y2.data(), ws_buf.data(), &fb);
            conv2d_backward_input(s, w.data(), dy.data(), dx2.data(), ws_buf.data(), true, &ib);
            CHECK(fwd.once_each_final() && inp.once_each_final());
            CHECK(std::memcmp(y2.data(), y.data(), ys * sizeof(float)) == 0);
            CHECK(std::memcmp(dx2.data(), dx.data(), xs * sizeof(float)) == 0);
            // dy written on demand: without and with the bias gradient, through conv2d_backward (dw accumulated).
            for (bool with_db : {false, true}) {
              std::vector<float> dy2(ys, NAN), dw2(ws), db2(s.out_c);
              BlockLog fill(rows, out_rows, s.out_c, nullptr);
              const ConvRowBlocks yb = fill.fill(dy.data(), dy2.data());
              conv2d_backward_filter(s, x.data(), dy2.data(), dw2.data(), with_db ? db2.data() : nullptr, false, ws_buf.data(), &yb);
              CHECK(fill.once_each() && std::memcmp(dy2.data(), dy.data(), ys * sizeof(float)) == 0);
              std::vector<float> dw_want(ws);
              conv2d_backward_filter(s, x.data(), dy.data(), dw_want.data(), nullptr, false, ws_buf.data());
              CHECK(std::memcmp(dw2.data(), dw_want.data(), ws * sizeof(float)) == 0);
              if (with_db) CHECK(db2 == db);
            }
            {
              std::vector<float> dy2(ys, NAN), dx3(xs), dw3(ws);
              BlockLog fill(rows, out_rows, s.out_c, nullptr);
              const ConvRowBlocks yb = fill.fill(dy.data(), dy2.data());
              conv2d_backward_filter(s, x.data(), dy.data(), dw3.data(), nullptr, false, ws_buf.data());
              conv2d_backward(s, x.data(), w.data(), dy2.data(), dx3.data(), dw3.data(), nullptr, true, ws_buf.data(), false, &yb);
              CHECK(fill.once_each() && dx3 == dxb && dw3 == dw);
            }
            if (!aff) continue;
            {
              std::vector<float> dy2(ys, NAN), dw2(ws);
              BlockLog fill(rows, out_rows, s.out_c, nullptr);
              const ConvRowBlocks yb = fill.fill(dy.data(), dy2.data());
              conv2d_backward_filter_affine(s, x.data(), pre, dy2.data(), dw2.data(), nullptr, false, ws_buf.data(), &yb);
              CHECK(fill.once_each() && std::memcmp(dw2.data(), dw_aff.data(), ws * sizeof(float)) == 0);
            }
            conv2d_forward_affine(s, x.data(), pre, w.data(), bias.data(), Activation::none, y_aff2.data(), ws_buf.data(), &ab);
            CHECK(fwd_aff.once_each_final());
            CHECK(std::memcmp(y_aff2.data(), y_aff.data(), ys * sizeof(float)) == 0);
            ++affine;
          }
        }
      }
  }
  CHECK(winograd_forward > 0 && winograd_input > 0 && affine > 0);
  conv2d_force_algorithm(ConvAlgo::automatic);
  winograd_force_tile(0);
  set_active_isa(best_supported_isa());
  set_num_threads(2);
}

// The Conv2D(relu) + MaxPool2D fusion's kernels (conv/relu_maxpool.h): the
// scalar reference gives the unfused ops' bits (max pool forward / backward,
// then the ReLU's backward with its column sums), and every ISA's kernels
// give the reference's bits on 1 and 2 threads, on channel counts hitting
// every vector tail, square and oblong windows, and images whose last rows /
// columns no window covers.
#include <cmath>
#include <cstring>
#include <vector>

#include "../src/core/thread_pool.h"
#include "../src/kernels/conv/relu_maxpool.h"
#include "../src/kernels/nn/nn_ops.h"
#include "../src/simd/dispatch.h"
#include "test_framework.h"
#include "test_util.h"

using namespace simdtrain;

namespace {

Pool2dShape tiled(size_t batch, size_t h, size_t w, size_t c, size_t kh, size_t kw) {
  Pool2dShape s;
  s.batch = batch, s.in_h = h, s.in_w = w, s.c = c;
  s.kh = s.stride_h = kh, s.kw = s.stride_w = kw;
  return s;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

// A ReLU'd conv output: about half zeros, ties, a NaN, and windows that are all zero.
std::vector<float> relu_output(const Pool2dShape& s) {
  std::vector<float> z = testing::random_floats(s.x_size(), 61);
  for (size_t i = 0; i + 5 < z.size(); i += 7) z[i + 5] = z[i];  // ties
  for (float& v : z) v = v > 0.0f ? v : 0.0f;
  for (size_t i = 0; i < std::min<size_t>(z.size(), 4 * s.c * s.in_w); i += 3) z[i] = 0.0f;  // all-zero windows
  if (z.size() > 40) z[40] = NAN;
  return z;
}

// Forward (y, codes), then backward with the sums from `start` (accumulated
// and not) and without sums: y, code, dz, sums, sums from 0, dz without sums.
template <class Fwd, class Back>
std::vector<float> run(const Pool2dShape& s, const std::vector<float>& z, const std::vector<float>& dy,
                       const std::vector<float>& start, Fwd&& fwd, Back&& back) {
  std::vector<float> y(s.y_size(), 7.0f), code(s.y_size(), 7.0f), dz(s.x_size(), 7.0f), dz2(s.x_size(), 7.0f);
  std::vector<float> sums = start, fresh = start;
  fwd(s, z.data(), y.data(), code.data());
  back(s, code.data(), dy.data(), dz.data(), sums.data(), true);
  back(s, code.data(), dy.data(), dz2.data(), fresh.data(), false);
  std::vector<float> out = y;
  for (const auto* v : {&code, &dz, &sums, &fresh}) out.insert(out.end(), v->begin(), v->end());
  back(s, code.data(), dy.data(), dz2.data(), nullptr, false);
  out.insert(out.end(), dz2.begin(), dz2.end());
  return out;
}

}  // namespace

TEST(relu_maxpool_fusion_gives_the_unfused_bits_and_every_isa_the_reference_bits) {
  for (size_t c : {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 65}) {
    for (const Pool2dShape& s : {tiled(2, 6, 6, c, 2, 2), tiled(2, 5, 7, c, 2, 2), tiled(1, 7, 7, c, 3, 3),
                                 tiled(3, 4, 7, c, 2, 3), tiled(1, 2, 2, c, 1, 1)}) {
      CHECK(relu_maxpool_fits(s));
      const std::vector<float> z = relu_output(s);
      std::vector<float> dy = testing::random_floats(s.y_size(), 63), start = testing::random_floats(c, 65);
      dy[0] = -0.0f;  // lands as 0 + dy
      start[0] = -0.0f;
      const std::vector<float> want =
          run(s, z, dy, start, relu_maxpool_forward_reference, relu_maxpool_backward_reference);
      // The unfused ops: max pool over relu(z), its gradient, then the ReLU's with its column sums.
      std::vector<float> y(s.y_size()), dx(s.x_size()), dz(s.x_size()), sums = start, fresh = start;
      maxpool2d_forward_reference(s, z.data(), y.data());
      maxpool2d_backward_reference(s, z.data(), dy.data(), dx.data());
      const size_t rows = s.batch * s.in_h * s.in_w;
      nn_act_backward_col_sums(rows, c, nullptr, z.data(), dx.data(), dz.data(), kActRelu, 0.0f, sums.data(), true);
      nn_act_backward_col_sums(rows, c, nullptr, z.data(), dx.data(), dz.data(), kActRelu, 0.0f, fresh.data(), false);
      const size_t ny = s.y_size(), nx = s.x_size();
      CHECK(same_bits(std::vector<float>(want.begin(), want.begin() + ny), y));
      CHECK(same_bits(std::vector<float>(want.begin() + 2 * ny, want.begin() + 2 * ny + nx), dz));
      CHECK(same_bits(std::vector<float>(want.begin() + 2 * ny + nx, want.begin() + 2 * ny + nx + c), sums));
      CHECK(same_bits(std::vector<float>(want.begin() + 2 * ny + nx + c, want.begin() + 2 * ny + nx + 2 * c), fresh));
      CHECK(same_bits(std::vector<float>(want.end() - nx, want.end()), dz));
      size_t passed = 0;  // some gradients pass, not all
      for (float v : dz) passed += v != 0.0f;
      CHECK(passed > 0 && passed < ny);
      for (auto isa : testing::runnable_isas()) {
        for (int threads : {1, 2}) {
          set_active_isa(isa);
          set_num_threads(threads);
          CHECK(same_bits(run(s, z, dy, start, relu_maxpool_forward, relu_maxpool_backward), want));
        }
      }
      set_active_isa(best_supported_isa());
      set_num_threads(2);
    }
  }
}

TEST(relu_maxpool_fits_only_tiling_windows) {
  CHECK(relu_maxpool_fits(tiled(1, 5, 5, 2, 2, 2)));
  Pool2dShape s = tiled(1, 5, 5, 2, 2, 2);
  s.stride_w = 1;  // overlapping
  CHECK(!relu_maxpool_fits(s));
  s = tiled(1, 5, 5, 2, 2, 2);
  s.stride_h = 3;  // gaps
  CHECK(!relu_maxpool_fits(s));
  s = tiled(1, 5, 5, 2, 2, 2);
  s.pad_left = 1;
  CHECK(!relu_maxpool_fits(s));
}

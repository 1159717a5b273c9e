#include "graph_util.h"

namespace simdtrain {
namespace graph {

void nhwc_to_nchw(const Shape& s, const float* src, float* dst) {
  const size_t hw = s.h * s.w;
  for (size_t p = 0; p < hw; ++p) {
    for (size_t c = 0; c < s.c; ++c) dst[c * hw + p] = src[p * s.c + c];
  }
}

void nchw_to_nhwc(const Shape& s, const float* src, float* dst) {
  const size_t hw = s.h * s.w;
  for (size_t p = 0; p < hw; ++p) {
    for (size_t c = 0; c < s.c; ++c) dst[p * s.c + c] = src[c * hw + p];
  }
}

void add_into(size_t n, const float* src, float* dst) {
  for_rows(n, 1, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) dst[i] += src[i];
  });
}

}  // namespace graph
}  // namespace simdtrain

// Small helpers the ops share: layout permutes and elementwise passes split
// over batch rows (every split gives the same bits).
#pragma once

#include <cstddef>

#include "graph_op.h"

namespace simdtrain {
namespace graph {

// One row [h, w, c] (NHWC) -> [c, h, w] (NCHW, PyTorch's flatten order).
void nhwc_to_nchw(const Shape& s, const float* src, float* dst);
// One row [c, h, w] -> [h, w, c].
void nchw_to_nhwc(const Shape& s, const float* src, float* dst);

// fn(begin, end) over rows, threaded when the rows hold enough floats.
template <class Fn>
void for_rows(size_t rows, size_t row_floats, Fn&& fn);

// dst[i] += src[i] for n floats.
void add_into(size_t n, const float* src, float* dst);

}  // namespace graph
}  // namespace simdtrain

#include "../../core/thread_pool.h"

namespace simdtrain {
namespace graph {

template <class Fn>
void for_rows(size_t rows, size_t row_floats, Fn&& fn) {
  constexpr size_t kMinFloatsPerTask = 1 << 15;  // below this a hand-off costs more than it saves
  const size_t min_rows = row_floats ? (kMinFloatsPerTask + row_floats - 1) / row_floats : rows + 1;
  parallel_for(rows, min_rows, fn);
}

}  // namespace graph
}  // namespace simdtrain

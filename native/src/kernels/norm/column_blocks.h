// Per-channel sums over the rows of a [rows, c] matrix in a fixed order:
// rows are cut into blocks of kColumnBlockRows, each block is summed row by
// row in float (lane-wise over channels, no fused multiply-add), and the
// block sums are added in block order in double. The order depends on
// neither the thread count nor the ISA, so neither changes a bit.
#pragma once

#include <cstddef>
#include <vector>

#include "../../core/thread_pool.h"

namespace simdtrain {

constexpr size_t kColumnBlockRows = 64;

// fn(r0, r1, acc) adds the `sums` per-channel terms of rows [r0, r1), row
// by row in order, to acc[s*c + ch] (float); returns the totals
// out[s*c + ch] in double.
template <class RowFn>
std::vector<double> column_block_sums(size_t rows, size_t c, size_t sums, RowFn&& fn) {
  const size_t blocks = (rows + kColumnBlockRows - 1) / kColumnBlockRows;
  const size_t width = sums * c;
  std::vector<float> partial(blocks * width, 0.0f);
  const size_t min_blocks = width ? (size_t{1} << 15) / (kColumnBlockRows * width) + 1 : blocks + 1;
  parallel_for(blocks, min_blocks, [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) {
      float* acc = partial.data() + b * width;
      const size_t r1 = (b + 1) * kColumnBlockRows < rows ? (b + 1) * kColumnBlockRows : rows;
      fn(b * kColumnBlockRows, r1, acc);
    }
  });
  std::vector<double> out(width, 0.0);
  for (size_t b = 0; b < blocks; ++b)
    for (size_t i = 0; i < width; ++i) out[i] += partial[b * width + i];
  return out;
}

}  // namespace simdtrain

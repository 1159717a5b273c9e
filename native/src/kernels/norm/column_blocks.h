// Per-channel sums (and moments) over the rows of a [rows, c] matrix in a fixed order:
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

// fn(r0, r1, acc) adds the `sums` per-channel terms of rows [r0, r1) to
// acc[s*c + ch] (float, zeroed per block); returns every block's acc, block
// b at [b * sums * c, (b + 1) * sums * c).
template <class RowFn>
std::vector<float> column_block_partials(size_t rows, size_t c, size_t sums, RowFn&& fn) {
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
  return partial;
}

// fn(r0, r1, acc) adds the `sums` per-channel terms of rows [r0, r1), row
// by row in order, to acc[s*c + ch] (float); returns the totals
// out[s*c + ch] in double.
// The totals of the blocks' partials (sums * c floats per block, as fn adds them).
inline std::vector<double> column_sums_of(size_t rows, size_t c, size_t sums, const float* partial) {
  const size_t width = sums * c, blocks = (rows + kColumnBlockRows - 1) / kColumnBlockRows;
  std::vector<double> out(width, 0.0);
  for (size_t b = 0; b < blocks; ++b)
    for (size_t i = 0; i < width; ++i) out[i] += partial[b * width + i];
  return out;
}

template <class RowFn>
std::vector<double> column_block_sums(size_t rows, size_t c, size_t sums, RowFn&& fn) {
  return column_sums_of(rows, c, sums, column_block_partials(rows, c, sums, fn).data());
}

// Per-channel sum and sum of squared deviations from the mean, in one pass
// over the rows: fn(r0, r1, acc) writes a block's float mean m_b (its rows
// summed in order from 0, divided by n_b) to acc[ch], then, while the block is
// in cache, e_b = sum (x - m_b) to acc[c + ch] and q_b = sum (x - m_b)^2 to
// acc[2c + ch]; the blocks combine in block order in double (Chan et al.):
//   mean = sum_b (n_b m_b + e_b) / n,
//   sq = sum_b [q_b + 2 (m_b - mean) e_b + n_b (m_b - mean)^2],
// so neither a large mean nor the float rounding of m_b costs precision.
struct ColumnMoments {
  std::vector<double> sum, sq;
};
// From the blocks' partials (3c floats per block, as fn writes them).
inline ColumnMoments column_moments_of(size_t rows, size_t c, const float* partial) {
  const size_t blocks = (rows + kColumnBlockRows - 1) / kColumnBlockRows;
  auto block_rows = [&](size_t b) { return (b + 1) * kColumnBlockRows < rows ? kColumnBlockRows : rows - b * kColumnBlockRows; };
  ColumnMoments out{std::vector<double>(c, 0.0), std::vector<double>(c, 0.0)};
  // Blocks outer, channels inner (each channel's terms still add in block
  // order; the partials are read in their layout, not c floats apart).
  for (size_t b = 0; b < blocks; ++b) {
    const float* p = partial + b * 3 * c;
    const double nb = static_cast<double>(block_rows(b));
    for (size_t ch = 0; ch < c; ++ch) out.sum[ch] += nb * p[ch] + p[c + ch];
  }
  std::vector<double> mean(c);
  for (size_t ch = 0; ch < c; ++ch) mean[ch] = rows ? out.sum[ch] / static_cast<double>(rows) : 0.0;
  for (size_t b = 0; b < blocks; ++b) {
    const float* p = partial + b * 3 * c;
    const double nb = static_cast<double>(block_rows(b));
    for (size_t ch = 0; ch < c; ++ch) {
      const double d = p[ch] - mean[ch];
      out.sq[ch] += p[2 * c + ch] + 2.0 * d * p[c + ch] + nb * d * d;
    }
  }
  return out;
}

template <class BlockFn>
ColumnMoments column_block_moments(size_t rows, size_t c, BlockFn&& fn) {
  return column_moments_of(rows, c, column_block_partials(rows, c, 3, fn).data());
}

}  // namespace simdtrain

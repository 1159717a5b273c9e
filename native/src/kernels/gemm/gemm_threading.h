// How a GEMM is split over threads, shared by the fp32 driver and any other
// precision's driver: how many threads a product deserves, the thread grid
// over C, the row/column ranges of each thread and the share of a packed
// panel each thread of a group packs. ISA- and precision-independent.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace simdtrain {

// Below this many multiply-adds (m*n*k) one thread is as fast as two: the
// pool hand-off eats the gain. Measured on Zen 5 with two free cores and
// workers that spin 100 us between jobs (thread_pool.cc): 128x128x128 (2 M)
// 195 -> 263 GFLOPS, 128x128x256 198 -> 323, 96^3 (0.9 M) 197 -> 248, but
// 64x64x128 (0.5 M) 200 -> 142 and 64^3 194 -> 86.
constexpr double kGemmMinParallelWork = 1e6;
// Each further thread needs about this much work (~5-10 us of one core) to
// pay for its wake-up and its barriers; smaller products use fewer threads.
constexpr double kGemmMinWorkPerThread = 1e6;

// Threads for a product of `work` multiply-adds when `threads` are usable.
inline size_t gemm_team_size(double work, size_t threads) {
  if (threads <= 1 || work < kGemmMinParallelWork) return 1;
  const double by_work = work / kGemmMinWorkPerThread;
  const size_t cap = by_work >= static_cast<double>(threads) ? threads : static_cast<size_t>(by_work);
  return std::max<size_t>(2, cap);
}

// Range t of `parts` over [0, n), cut on multiples of `unit`.
inline void gemm_split(size_t n, size_t unit, size_t parts, size_t t, size_t* begin, size_t* end) {
  const size_t units = (n + unit - 1) / unit;
  *begin = std::min(n, units * t / parts * unit);
  *end = std::min(n, units * (t + 1) / parts * unit);
}

// A tm x tn grid of threads over C: tn groups of columns (each group shares
// one packed B panel), tm threads per group splitting the rows.
struct GemmGrid {
  size_t tm = 1, tn = 1;
  size_t threads() const { return tm * tn; }
};

// The grid of at most `threads` threads with the smallest largest block,
// counted in register tiles (rows / row_unit x cols / col_unit); on a tie
// fewer threads (less synchronisation), then more tm: the threads of a group
// share B and each packs only its own rows of A. Every thread gets at least
// one tile. Measured with two threads (independent blocks): splitting M over
// N gave 2048^2 300 -> 322 GFLOPS, 1536^2 300 -> 351.
inline GemmGrid gemm_choose_grid(size_t m, size_t n, size_t row_unit, size_t col_unit, size_t threads) {
  const size_t rows = (m + row_unit - 1) / row_unit, cols = (n + col_unit - 1) / col_unit;
  GemmGrid best;
  size_t best_cost = SIZE_MAX;
  for (size_t team = 1; team <= threads; ++team) {
    for (size_t tm = team; tm >= 1; --tm) {
      if (team % tm) continue;
      const size_t tn = team / tm;
      if (rows < tm || cols < tn) continue;
      const size_t cost = ((rows + tm - 1) / tm) * ((cols + tn - 1) / tn);
      if (cost < best_cost) best_cost = cost, best = GemmGrid{tm, tn};
    }
  }
  return best;
}

// Cooperative packing of one panel block of `panels` panels x `depth` rows:
// the block is cut into units of one panel x `chunk` depth rows, and member
// t of `parts` gets a contiguous run of units. Calls fn(panel, k0, k1) for
// each piece of its run (one call per panel touched).
template <class Fn>
void gemm_pack_share(size_t panels, size_t depth, size_t chunk, size_t parts, size_t t, Fn&& fn) {
  const size_t per_panel = (depth + chunk - 1) / chunk;
  const size_t units = panels * per_panel;
  size_t u = units * t / parts;
  const size_t end = units * (t + 1) / parts;
  while (u < end) {
    const size_t panel = u / per_panel;
    const size_t stop = std::min(end, (panel + 1) * per_panel);
    fn(panel, (u % per_panel) * chunk, std::min(depth, (stop - panel * per_panel) * chunk));
    u = stop;
  }
}

}  // namespace simdtrain

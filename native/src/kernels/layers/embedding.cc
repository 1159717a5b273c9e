// Embedding gather / scatter-add (embedding.h).
#include "embedding.h"

#include <algorithm>
#include <cstring>

#include "../../core/thread_pool.h"

namespace simdtrain {
namespace {

constexpr size_t kMinFloatsPerTask = 1 << 15;

bool in_range(int32_t i, size_t vocab) { return i >= 0 && static_cast<size_t>(i) < vocab; }

int64_t first_bad(size_t n, const int32_t* idx, size_t vocab) {
  for (size_t i = 0; i < n; ++i)
    if (!in_range(idx[i], vocab)) return static_cast<int64_t>(i);
  return kEmbeddingOk;
}

}  // namespace

int64_t embedding_forward(size_t n, const int32_t* idx, size_t vocab, size_t dim, const float* table, float* out) {
  parallel_for(n, std::max<size_t>(1, kMinFloatsPerTask / std::max<size_t>(dim, 1)), [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      const int32_t row = idx[i];  // read once: the value checked is the value used
      if (in_range(row, vocab)) {
        std::memcpy(out + i * dim, table + static_cast<size_t>(row) * dim, dim * sizeof(float));
      } else {
        std::memset(out + i * dim, 0, dim * sizeof(float));
      }
    }
  });
  return first_bad(n, idx, vocab);
}

int64_t embedding_backward(size_t n, const int32_t* idx, size_t vocab, size_t dim, const float* dy, float* dtable) {
  const int64_t bad = first_bad(n, idx, vocab);
  if (bad != kEmbeddingOk) return bad;
  // Split over columns: every task walks all indices in order, so each
  // element's sum has the same order for any thread count.
  const size_t blocks = (dim + 15) / 16;
  parallel_for(blocks, std::max<size_t>(1, kMinFloatsPerTask / std::max<size_t>(16 * n, 1)), [&](size_t b0, size_t b1) {
    const size_t c0 = b0 * 16, c1 = std::min(dim, b1 * 16);
    for (size_t i = 0; i < n; ++i) {
      const int32_t row = idx[i];
      if (!in_range(row, vocab)) continue;  // rewritten since the check: skip, stay in bounds
      float* dst = dtable + static_cast<size_t>(row) * dim;
      const float* src = dy + i * dim;
      for (size_t j = c0; j < c1; ++j) dst[j] += src[j];
    }
  });
  return kEmbeddingOk;
}

}  // namespace simdtrain

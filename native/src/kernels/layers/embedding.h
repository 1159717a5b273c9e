// Embedding lookup: table [vocab, dim] row-major, indices [n] int32.
//   forward:  out[i, :] = table[idx[i], :]
//   backward: dtable[idx[i], :] += dy[i, :]
// Each index is checked against vocab where it is used (never trusted from an
// earlier check): an index outside [0, vocab) makes the call return the
// position of the first such index, and no memory outside the arrays is
// touched. The forward pass writes zeros for a bad row; the backward pass
// checks every index before adding anything, so a failed call changes nothing
// unless another thread rewrites the indices meanwhile (then bad rows are
// skipped, still in bounds). Backward sums rows in index order per column
// block: same bits for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>

namespace simdtrain {

constexpr int64_t kEmbeddingOk = -1;

// Returns kEmbeddingOk or the position of the first out-of-range index.
int64_t embedding_forward(size_t n, const int32_t* idx, size_t vocab, size_t dim, const float* table, float* out);
// dtable is added to (zero it first for a plain gradient).
int64_t embedding_backward(size_t n, const int32_t* idx, size_t vocab, size_t dim, const float* dy, float* dtable);

}  // namespace simdtrain

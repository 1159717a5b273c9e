// Conv2D + BatchNorm statistics (graph_op.h's HandedStats): the producer's
// training forward gives its convolution stats_blocks(...) (each 64-row block
// of the output's BatchNorm statistics taken right after the block is
// written, while it is in cache) and marks them ready; the BatchNorm's
// training forward takes them with take_stats instead of reading its input
// again. The same kernel on the same blocks: the unlinked ops' bits.
#pragma once

#include "../conv/conv2d.h"
#include "../norm/batchnorm.h"
#include "graph_op.h"

namespace simdtrain {
namespace graph {

// Blocks filling h for y [rows, c] (h is marked not ready until mark_ready).
inline ConvRowBlocks stats_blocks(HandedStats& h, const float* y, size_t rows, size_t c) {
  h.stats.resize(batchnorm_stats_floats(rows, c));
  h.x = y, h.rows = rows, h.c = c, h.ready = false;
  return {batchnorm_stats_block_rows(), [](void* p, size_t r0, size_t r1) {
            auto* s = static_cast<HandedStats*>(p);
            batchnorm_block_stats(s->c, s->x, r0, r1, s->stats.data());
          },
          &h};
}

// The statistics of x [rows, c] if the producer handed them over in this
// forward (then no longer ready), else null.
inline const float* take_stats(HandedStats* h, const float* x, size_t rows, size_t c) {
  if (!h || !h->ready || h->x != x || h->rows != rows || h->c != c) return nullptr;
  h->ready = false;
  return h->stats.data();
}

// Backward: the BatchNorm's dx pass left to the producer (null: h not
// linked; the BatchNorm then runs it itself).
inline BatchNormDxPass* defer_dx(HandedStats* h) {
  if (!h) return nullptr;
  h->dx = std::make_shared<BatchNormDxPass>();
  return h->dx.get();
}

// The producer's backward, before its filter gradient: the left dx pass as
// that pass's dy blocks when it writes dy (*given; the pass is then done
// by the end of the filter gradient), else none, any left pass run first.
// Either way nothing stays left past the producer's backward.
inline ConvRowBlocks dx_blocks(HandedStats* h, const float* dy, size_t rows, bool* given) {
  *given = false;
  if (!h || !h->dx) return {};
  std::shared_ptr<BatchNormDxPass> pass = std::move(h->dx);
  h->dx.reset();
  if (pass->dx != dy) {
    batchnorm_dx_run(*pass, rows);
    return {};
  }
  *given = true;
  h->dx = pass;  // kept alive through the filter gradient
  return {batchnorm_stats_block_rows(),
          [](void* p, size_t r0, size_t r1) { batchnorm_dx_rows(*static_cast<const BatchNormDxPass*>(p), r0, r1); },
          pass.get()};
}
inline void done_dx(HandedStats* h) {
  if (h) h->dx.reset();
}

}  // namespace graph
}  // namespace simdtrain

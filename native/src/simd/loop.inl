// Loop helpers shared by all kernels of one ISA build. Included by target.h
// *inside* the ISA's namespace, so every instantiation is private to that ISA.
// (No #include here on purpose.)

// Full vectors: plain unaligned loads and stores.
struct FullChunk {
  static constexpr bool kIsTail = false;
  Vec load(const float* p) const { return loadu(p); }
  void store(float* p, Vec v) const { storeu(p, v); }
};

// The last `count` (< kLanes) elements: masked where the ISA has masks, else
// through a small stack buffer. Inactive lanes load as zero and are never
// stored, so no byte outside the arrays is read or written.
struct TailChunk {
  static constexpr bool kIsTail = true;
  size_t count;
  Vec load(const float* p) const { return load_partial(p, count); }
  void store(float* p, Vec v) const { store_partial(p, v, count); }
};

// Calls body(i, chunk) for i = 0, kLanes, 2*kLanes, ... < n, with a FullChunk
// for whole vectors and one TailChunk for the remainder. `body` is a generic
// lambda, so each element-wise kernel is written once for both cases.
template <class Body>
inline void for_each_chunk(size_t n, Body&& body) {
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) body(i, FullChunk{});
  if (i < n) body(i, TailChunk{n - i});
}

// Same, but hands the body kUnroll full vectors' worth of offsets at once so a
// reduction can keep kUnroll independent accumulators (hiding FP latency).
// body_unrolled(i) covers [i, i + kUnroll*kLanes); body(i, chunk) the rest.
template <size_t kUnroll, class BodyUnrolled, class Body>
inline void for_each_chunk_unrolled(size_t n, BodyUnrolled&& body_unrolled, Body&& body) {
  size_t i = 0;
  for (; i + kUnroll * kLanes <= n; i += kUnroll * kLanes) body_unrolled(i);
  for (; i + kLanes <= n; i += kLanes) body(i, FullChunk{});
  if (i < n) body(i, TailChunk{n - i});
}

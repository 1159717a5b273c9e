// The state buffers of the fused optimizer kernels: fp32, or bf16 written
// back with stochastic rounding. A kernel is written once against the
// accessor `St` (F32State or Bf16State): `st.loop(n, body)` runs body(i,
// chunk) over the span like for_each_chunk, `st.load(chunk, k, i)` and
// `st.store(chunk, k, i, v)` read and write slot k (0, 1, 2) in fp32.
// Included *inside* the ISA namespace after philox.inl (like loop.inl).
// (No #include here on purpose.)

// fp32 state: s0..s2 as they are.
struct F32State {
  const OptimSpan& t;
  F32State(const OptimScalars&, const OptimSpan& span) : t(span) {}
  float* slot(int k) const { return k == 0 ? t.s0 : k == 1 ? t.s1 : t.s2; }
  template <class C>
  Vec load(C chunk, int k, size_t i) const {
    return chunk.load(slot(k) + i);
  }
  template <class C>
  void store(C chunk, int k, size_t i, Vec v) const {
    chunk.store(slot(k) + i, v);
  }
  template <class Body>
  void loop(size_t n, Body&& body) {
    for_each_chunk(n, body);
  }
};

// The stochastic rounding's random bits. Philox4x32-10 (philox.inl, the
// project's counter-based generator) with key {seed, 0} and counter
// {b lo, b hi, step, stream} gives four 32-bit words per block b of 256
// elements; word w keys the 64 elements 256 b + 64 w + r (r < 64), whose
// bits are lowbias32(word + r * 0x9E3779B9): a Weyl sequence through a
// bijective 32-bit mixing hash (x ^= x >> 16; x *= 0x7FEB352D; x ^= x >> 15;
// x *= 0x846CA68B; x ^= x >> 16). The bits of element j depend only on
// (seed, step, stream, j): not on the vector width or on where a thread's
// piece starts. One Philox block per 256 elements instead of one per 4 keeps
// the generator off the critical path (a Philox word costs about as much as
// an fp32 Adam element; bench/bf16_state.bench.js).
constexpr size_t kSrBlock = 256;   // elements per Philox block
constexpr size_t kSrSegment = 64;  // elements per Philox word
constexpr uint32_t kSrWeyl = 0x9E3779B9u;

inline IVec lowbias32(IVec x) {
  x = ixor(x, ishr<16>(x));
  x = imul_lo_u32(x, iset1(0x7FEB352Du));
  x = ixor(x, ishr<15>(x));
  x = imul_lo_u32(x, iset1(0x846CA68Bu));
  return ixor(x, ishr<16>(x));
}

// bf16 state (h0..h2): loaded exactly (bf16 -> fp32 is a shift), stored with
// stochastic rounding: the 16 bits below the bf16 are added to 16 random bits
// and the sum truncated, so x rounds away from zero with probability
// (|x| - |lo|) / (|hi| - |lo|) and the rounding is unbiased. Slot 0 uses the
// low 16 random bits, slot 1 the high 16, slot 2 their xor (pairwise
// independent of both). NaN is stored as the quiet NaN 0x7FC0; +-Inf stay;
// values within one bf16 ulp of the largest finite bf16 may round to infinity.
struct Bf16State {
  const OptimSpan& t;
  uint32_t seed, step, stream;
  IVec bits;
  Bf16State(const OptimScalars& s, const OptimSpan& span)
      : t(span), seed(s.rng_seed), step(s.rng_step), stream(s.rng_stream), bits(iset1(0)) {}
  uint16_t* slot(int k) const { return k == 0 ? t.h0 : k == 1 ? t.h1 : t.h2; }

  template <class C>
  Vec load(C chunk, int k, size_t i) const {
    const uint16_t* p = slot(k) + i;
    IVec h;
    if constexpr (C::kIsTail) {
      h = iload_u16_partial(p, chunk.count);
    } else {
      h = iload_u16(p);
    }
    return bitcast_f(ishl<16>(h));
  }

  template <class C>
  void store(C chunk, int k, size_t i, Vec v) const {
    const IVec low16 = iset1(0xFFFFu);
    const IVec r = k == 0 ? iand(bits, low16) : k == 1 ? ishr<16>(bits) : iand(ixor(bits, ishr<16>(bits)), low16);
    const IVec rounded = ishr<16>(iadd(bitcast_i(v), r));
    // A NaN whose payload sits in the low half could carry into infinity.
    // (select is a bitwise blend on every ISA: the 16-bit patterns pass
    // through it as they are.)
    const IVec h = bitcast_i(select(cmp_unord(v, v), bitcast_f(iset1(0x7FC0u)), bitcast_f(rounded)));
    uint16_t* p = slot(k) + i;
    if constexpr (C::kIsTail) {
      istore_u16_partial(p, h, chunk.count);
    } else {
      istore_u16(p, h);
    }
  }

  // The four Philox words of block b (every lane computes the same block).
  void philox_block(uint64_t b, uint32_t* out) const {
    const Philox4 w = philox10(Philox4{iset1(static_cast<uint32_t>(b)), iset1(static_cast<uint32_t>(b >> 32)),
                                       iset1(step), iset1(stream)},
                               seed, 0u);
    alignas(64) uint32_t lane[4][kLanes];
    istoreu(lane[0], w.x0);
    istoreu(lane[1], w.x1);
    istoreu(lane[2], w.x2);
    istoreu(lane[3], w.x3);
    for (int k = 0; k < 4; ++k) out[k] = lane[k][0];
  }

  // Walks the span one 64-element segment at a time (the first and last may
  // be cut), setting `bits` for each chunk before body(i, chunk) runs.
  template <class Body>
  void loop(size_t n, Body&& body) {
    IVec lane_step = iset1(0);
    {
      alignas(64) uint32_t steps[kLanes];
      for (size_t l = 0; l < kLanes; ++l) steps[l] = static_cast<uint32_t>(l) * kSrWeyl;
      lane_step = iloadu(steps);
    }
    uint32_t words[4] = {0, 0, 0, 0};
    uint64_t have = UINT64_MAX;  // the block whose words are in `words`
    size_t i = 0;
    while (i < n) {
      const uint64_t j = t.first + i;
      const uint64_t block = j / kSrBlock;
      if (block != have) {
        philox_block(block, words);
        have = block;
      }
      const size_t r = static_cast<size_t>(j % kSrSegment);
      const size_t take = kSrSegment - r < n - i ? kSrSegment - r : n - i;
      const uint32_t key = words[(j % kSrBlock) / kSrSegment];
      for_each_chunk(take, [&](size_t k, auto chunk) {
        const uint32_t first = key + static_cast<uint32_t>(r + k) * kSrWeyl;
        bits = lowbias32(iadd(iset1(first), lane_step));
        body(i + k, chunk);
      });
      i += take;
    }
  }
};

// Calls f(tag) where decltype(tag)::type is Bf16State when `flags` has
// kFlagBf16State, else F32State.
template <class T>
struct StateTag {
  using type = T;
};
template <class F>
inline void with_state(uint32_t flags, F&& f) {
  if (flags & kFlagBf16State) {
    f(StateTag<Bf16State>{});
  } else {
    f(StateTag<F32State>{});
  }
}

// The state buffers of the fused optimizer kernels: fp32, or bf16 written
// back with stochastic rounding. A kernel is written once against the
// accessor `St` (F32State or Bf16State): `st.loop(n, body)` runs body(i,
// chunk) over the span like for_each_chunk, `st.load(chunk, k, i)` and
// `st.store(chunk, k, i, v)` read and write slot k (0, 1, 2) in fp32. A
// kernel reads a slot before it stores it (Bf16State holds the stores until
// the body returns).
// Included *inside* the ISA namespace after philox.inl (like loop.inl).
// (No #include here on purpose.)

// fp32 state: s0..s2 as they are.
struct F32State {
  static constexpr bool kStaged = false;  // no loop_staged (see Bf16State)
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
  static constexpr bool kStaged = true;
  // Copies, not a reference to the span: the 16-bit stores may alias any
  // memory, and would make the compiler reload the pointers after each one.
  uint16_t* const h[3];
  const uint64_t first;
  uint32_t seed, step, stream;
  IVec bits;
  Bf16State(const OptimScalars& s, const OptimSpan& span)
      : h{span.h0, span.h1, span.h2},
        first(span.first),
        seed(s.rng_seed),
        step(s.rng_step),
        stream(s.rng_stream),
        bits(iset1(0)) {}
  uint16_t* slot(int k) const { return h[k]; }

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

  // A store is held until the chunk's body returns (flush): the slots a
  // kernel writes are then rounded, checked for NaN and narrowed together.
  Vec pend[3] = {zero(), zero(), zero()};
  bool has[3] = {false, false, false};
  template <class C>
  void store(C, int k, size_t, Vec v) {
    pend[k] = v;
    has[k] = true;
  }

  IVec rounded(int k, Vec v) const {
    const IVec low16 = iset1(0xFFFFu);
    const IVec r = k == 0 ? iand(bits, low16) : k == 1 ? ishr<16>(bits) : iand(ixor(bits, ishr<16>(bits)), low16);
    return ishr<16>(iadd(bitcast_i(v), r));
  }
  // A NaN whose payload sits in the low half could carry into infinity:
  // NaN is stored as 0x7FC0. (select is a bitwise blend on every ISA.)
  static IVec fix_nan(Vec v, IVec h) { return bitcast_i(select(cmp_unord(v, v), bitcast_f(iset1(0x7FC0u)), bitcast_f(h))); }

  template <class C>
  void put(C chunk, int k, size_t i, IVec h) const {
    uint16_t* p = slot(k) + i;
    if constexpr (C::kIsTail) {
      istore_u16_partial(p, h, chunk.count);
    } else {
      istore_u16(p, h);
    }
  }

  template <class C>
  void flush(C chunk, size_t i) {
    if (has[0] && has[1] && !has[2]) {
      IVec h0 = rounded(0, pend[0]), h1 = rounded(1, pend[1]);
      if (any_true(cmp_unord(pend[0], pend[1]))) {
        h0 = fix_nan(pend[0], h0);
        h1 = fix_nan(pend[1], h1);
      }
      if constexpr (C::kIsTail) {
        put(chunk, 0, i, h0);
        put(chunk, 1, i, h1);
      } else {
        istore_u16x2(slot(0) + i, slot(1) + i, h0, h1);
      }
    } else {
      for (int k = 0; k < 3; ++k) {
        if (has[k]) put(chunk, k, i, fix_nan(pend[k], rounded(k, pend[k])));
      }
    }
    has[0] = has[1] = has[2] = false;
  }

  // The Philox words of blocks b .. b + kLanes - 1, one block per lane:
  // words[w][l] is word w of block b + l.
  void philox_blocks(uint64_t b, uint32_t (*words)[kLanes]) const {
    alignas(64) uint32_t lo[kLanes], hi[kLanes];
    for (size_t l = 0; l < kLanes; ++l) {
      lo[l] = static_cast<uint32_t>(b + l);
      hi[l] = static_cast<uint32_t>((b + l) >> 32);
    }
    const Philox4 w = philox10(Philox4{iloadu(lo), iloadu(hi), iset1(step), iset1(stream)}, seed, 0u);
    istoreu(words[0], w.x0);
    istoreu(words[1], w.x1);
    istoreu(words[2], w.x2);
    istoreu(words[3], w.x3);
  }

  // Walks the span one 256-element block at a time (the first and last may be
  // cut), the Philox words kLanes blocks at a time, and calls body(i, chunk,
  // e) for each chunk with `bits` holding its random bits, then flushes its
  // stores; then param(i, chunk, e), which must not touch the state (a
  // kernel's second stage, e.g. Adam's divides: loop_staged). e < kSrBlock is
  // a slot for the chunk in a kSrBlock-element buffer the kernel may keep to
  // hand values from body to param. In a whole block the hash runs inside
  // the body, and param runs kStageLag vectors behind body (the divide chain
  // of a vector then starts from values computed earlier). A cut block first
  // hashes its bits into `rb` and runs param right after body, with e = 0.
  // Measured on Zen 3 (bench/native/optim_bf16_bench.cc, docs/bf16.md), bf16
  // Adam in cache: every block hashed into `rb` before its body, one stage:
  // 0.90 ns/param; the hash inside the body: 0.87; and two stages: 0.79
  // (lags of 2, 8 or 12 vectors: no faster than 4). One vector Philox call
  // per block with every lane computing the same block was slower still.
  static constexpr size_t kStageLag = 4;  // vectors
  static_assert(kStageLag * kLanes < kSrBlock, "the lag fits in a block");
  template <class Body>
  void loop(size_t n, Body&& body) {
    loop_staged(n, [&](size_t i, auto chunk, size_t) { body(i, chunk); }, [](size_t, auto, size_t) {});
  }
  template <class Body, class Param>
  void loop_staged(size_t n, Body&& body, Param&& param) {
    IVec lane_step = iset1(0);
    {
      alignas(64) uint32_t steps[kLanes];
      for (size_t l = 0; l < kLanes; ++l) steps[l] = static_cast<uint32_t>(l) * kSrWeyl;
      lane_step = iloadu(steps);
    }
    const IVec vec_step = iset1(static_cast<uint32_t>(kLanes) * kSrWeyl);
    // A cut block's last vector may read up to kLanes - 1 words past the
    // hashed ones (lanes the tail chunk never stores): zeroed once, so every
    // word read is defined.
    alignas(64) uint32_t rb[kSrBlock + kLanes] = {};
    alignas(64) uint32_t words[4][kLanes];
    uint64_t words_base = 0;
    bool have_words = false;
    size_t i = 0;
    while (i < n) {
      const uint64_t j = first + i;
      const uint64_t block = j / kSrBlock;
      const size_t off = static_cast<size_t>(j % kSrBlock);
      const size_t take = kSrBlock - off < n - i ? kSrBlock - off : n - i;
      if (!have_words || block - words_base >= kLanes) {
        philox_blocks(block, words);
        words_base = block;
        have_words = true;
      }
      const size_t lane = static_cast<size_t>(block - words_base);
      if (take == kSrBlock) {
        constexpr size_t lag = kStageLag * kLanes;
        for (size_t seg = 0; seg < kSrBlock; seg += kSrSegment) {
          IVec x = iadd(iset1(words[seg / kSrSegment][lane]), lane_step);
          for (size_t e = seg; e < seg + kSrSegment; e += kLanes) {
            bits = lowbias32(x);
            x = iadd(x, vec_step);
            body(i + e, FullChunk{}, e);
            flush(FullChunk{}, i + e);
            if (e >= lag) param(i + e - lag, FullChunk{}, e - lag);
          }
        }
        for (size_t e = kSrBlock - lag; e < kSrBlock; e += kLanes) param(i + e, FullChunk{}, e);
        i += take;
        continue;
      }
      // Element e of the block: lowbias32(word[e / 64] + (e % 64) * Weyl)
      // (a vector never straddles two 64-element segments).
      for (size_t seg = off / kSrSegment * kSrSegment; seg < off + take; seg += kSrSegment) {
        const size_t e0 = seg > off ? seg : off - off % kLanes;
        const size_t e1 = seg + kSrSegment < off + take ? seg + kSrSegment : off + take;
        IVec x = iadd(iset1(words[seg / kSrSegment][lane] + static_cast<uint32_t>(e0 - seg) * kSrWeyl), lane_step);
        for (size_t e = e0; e < e1; e += kLanes) {
          istoreu(rb + e, lowbias32(x));
          x = iadd(x, vec_step);
        }
      }
      for_each_chunk(take, [&](size_t k, auto chunk) {
        bits = iloadu(rb + off + k);
        body(i + k, chunk, 0);
        flush(chunk, i + k);
        param(i + k, chunk, 0);
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

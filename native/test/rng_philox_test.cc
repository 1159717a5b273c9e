// Philox4x32-10: the scalar reference and every ISA's vector kernel against
// Random123's published known-answer vectors (tests/kat_vectors, the three
// "philox4x32 10" lines), then every ISA against the reference on many
// counters and lengths that hit every vector tail.
#include <cstdint>
#include <vector>

#include "../src/kernels/rng/rng_table.h"
#include "../src/simd/dispatch.h"
#include "rng_reference.h"
#include "test_framework.h"
#include "test_util.h"

namespace {

struct Kat {
  rngref::Block ctr;
  uint32_t k0, k1;
  rngref::Block expected;
};

const Kat kKats[] = {
    {{0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u}, 0x00000000u, 0x00000000u,
     {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
    {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, 0xffffffffu, 0xffffffffu,
     {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
    {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, 0xa4093822u, 0x299f31d0u,
     {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
};

const simdtrain::RngKernels& table(simdtrain::Isa isa) { return *SIMDTRAIN_TABLE_FOR(isa, kRngKernels); }

}  // namespace

TEST(philox_reference_matches_random123_known_answers) {
  for (const Kat& kat : kKats) CHECK(rngref::philox4x32_10(kat.ctr, kat.k0, kat.k1) == kat.expected);
}

TEST(philox_kernel_matches_known_answers_on_every_isa) {
  for (auto isa : testing::runnable_isas()) {
    std::vector<uint32_t> ctr;
    for (const Kat& kat : kKats) ctr.insert(ctr.end(), kat.ctr.begin(), kat.ctr.end());
    for (size_t k = 0; k < 3; ++k) {
      std::vector<uint32_t> one(4);
      table(isa).philox(&ctr[4 * k], 1, simdtrain::RngKey{kKats[k].k0, kKats[k].k1}, one.data());
      CHECK(rngref::Block({one[0], one[1], one[2], one[3]}) == kKats[k].expected);
    }
  }
}

TEST(philox_kernel_matches_reference_on_every_isa_and_tail) {
  for (auto isa : testing::runnable_isas()) {
    for (size_t n : {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100}) {
      // Counters with varied bits in every word (xorshift words).
      std::vector<uint32_t> ctr(4 * n), out(4 * n + 4, 0xdeadbeefu);
      uint32_t x = static_cast<uint32_t>(n * 2654435761u) | 1u;
      for (auto& c : ctr) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = x;
      }
      const simdtrain::RngKey key{0x12345678u + static_cast<uint32_t>(n), 0x9abcdef0u};
      table(isa).philox(ctr.data(), n, key, out.data());
      for (size_t i = 0; i < n; ++i) {
        const rngref::Block want = rngref::philox4x32_10({ctr[4 * i], ctr[4 * i + 1], ctr[4 * i + 2], ctr[4 * i + 3]},
                                                         key.k0, key.k1);
        for (size_t w = 0; w < 4; ++w) CHECK(out[4 * i + w] == want[w]);
      }
      for (size_t g = 4 * n; g < 4 * n + 4; ++g) CHECK(out[g] == 0xdeadbeefu);  // nothing past the end
    }
  }
}

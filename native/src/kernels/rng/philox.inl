// Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel Random Numbers: As
// Easy as 1, 2, 3", SC11) on kLanes independent counters, one per lane.
// Included *inside* an ISA namespace by rng_kernels.isa.cc, like loop.inl.
// (No #include here on purpose.)

// Multipliers and Weyl key increments from the paper (Random123's values).
constexpr uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u;
constexpr uint32_t kPhiloxW1 = 0xBB67AE85u;

struct Philox4 {
  IVec x0, x1, x2, x3;
};

// One round: two 32x32->64 products, then a Feistel-like swap with the key.
inline Philox4 philox_round(const Philox4& c, IVec k0, IVec k1) {
  IVec hi0, lo0, hi1, lo1;
  mul_hilo_u32(iset1(kPhiloxM0), c.x0, &hi0, &lo0);
  mul_hilo_u32(iset1(kPhiloxM1), c.x2, &hi1, &lo1);
  return Philox4{ixor(ixor(hi1, c.x1), k0), lo1, ixor(ixor(hi0, c.x3), k1), lo0};
}

// Ten rounds; the key is bumped by (W0, W1) before every round after the first.
inline Philox4 philox10(Philox4 c, uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    if (round) {
      k0 += kPhiloxW0;
      k1 += kPhiloxW1;
    }
    c = philox_round(c, iset1(k0), iset1(k1));
  }
  return c;
}

// Register blocking shared by the per-ISA convolution kernels
// (conv_direct.isa.cc, conv_winograd.isa.cc): included inside their
// SIMDTRAIN_NS namespace, after simd/target.h.

// Accumulator registers a block may use (the rest hold filter vectors and
// the broadcast): 32-register files (AVX-512, NEON) vs 16.
#if defined(SIMDTRAIN_TARGET_AVX512) || defined(SIMDTRAIN_TARGET_NEON)
constexpr size_t kAccRegs = 24;
#else
constexpr size_t kAccRegs = 12;
#endif

// Rows (pixels, tiles or filter rows) per block of NV vectors of channels.
template <size_t NV>
constexpr size_t max_mr() {
  return kAccRegs / NV < 12 ? kAccRegs / NV : 12;
}

// Winograd's products: vectors of output channels per full-width block, 4 (x
// 6 tiles) where 32 registers hold 24 accumulators, 4 filter vectors and the
// broadcast; 2 (x 6) with 16 registers, where 3 x 4 spills (measured on Zen 3
// AVX2: faster). The direct rows keep 4 x 3 there: with 1-3 input channels
// (first layers) fewer broadcasts per FMA measured faster.
#if defined(SIMDTRAIN_TARGET_AVX512) || defined(SIMDTRAIN_TARGET_NEON)
constexpr size_t kWideNV = 4;
#else
constexpr size_t kWideNV = 2;
#endif

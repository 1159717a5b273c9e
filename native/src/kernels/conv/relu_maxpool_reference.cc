// The plain scalar code of the ReLU + max-pool fusion (relu_maxpool.h), the
// reference every ISA's kernels are tested against bit for bit.
#include "relu_maxpool.h"

namespace simdtrain {

void relu_maxpool_forward_reference(const Pool2dShape& s, const float* z, float* y, float* code) {
  const size_t oh = s.out_h(), ow = s.out_w(), c = s.c;
  for (size_t n = 0; n < s.batch; ++n)
    for (size_t oy = 0; oy < oh; ++oy)
      for (size_t ox = 0; ox < ow; ++ox)
        for (size_t ch = 0; ch < c; ++ch) {
          const float* first = z + ((n * s.in_h + oy * s.kh) * s.in_w + ox * s.kw) * c + ch;
          float best = *first, at = 0.0f;
          for (size_t i = 0; i < s.kh; ++i)
            for (size_t j = 0; j < s.kw; ++j) {
              const float v = first[(i * s.in_w + j) * c];
              if (v > best || v != v) best = v, at = static_cast<float>(i * s.kw + j);
            }
          const size_t o = ((n * oh + oy) * ow + ox) * c + ch;
          y[o] = best;
          code[o] = best > 0.0f ? at : -1.0f;
        }
}

void relu_maxpool_backward_reference(const Pool2dShape& s, const float* code, const float* dy, float* dz, float* sums,
                                     bool accumulate) {
  const size_t oh = s.out_h(), ow = s.out_w(), c = s.c;
  for (size_t ch = 0; ch < c; ++ch) {
    float acc = sums && accumulate ? sums[ch] : 0.0f;
    for (size_t n = 0; n < s.batch; ++n)
      for (size_t iy = 0; iy < s.in_h; ++iy)
        for (size_t ix = 0; ix < s.in_w; ++ix) {
          const size_t oy = iy / s.kh, ox = ix / s.kw;
          float g = 0.0f;
          if (oy < oh && ox < ow) {
            const size_t o = ((n * oh + oy) * ow + ox) * c + ch;
            const float k = static_cast<float>((iy - oy * s.kh) * s.kw + (ix - ox * s.kw));
            if (code[o] == k) g = 0.0f + dy[o];
          }
          dz[((n * s.in_h + iy) * s.in_w + ix) * c + ch] = g;
          acc += g;
        }
    if (sums) sums[ch] = acc;
  }
}

}  // namespace simdtrain

// Vectorized transcendental functions for the nn kernels, written once over
// the SIMD abstraction. Included by the nn *.isa.cc files *inside* their ISA
// namespace (like simd/loop.inl), so every ISA gets its own copy.
// (No #include here on purpose.)
//
// Accuracy (checked against double-precision std:: functions in
// native/test/nn_math_test.cc): exp, sigmoid, tanh and log1p within a few
// float ulps; the normal CDF Phi within ~3e-7 relative.

// v with the lanes outside a tail chunk set to 0 (a full chunk passes v
// through): for reductions of values that are not 0 at 0.
template <class Chunk>
inline Vec keep_active(Chunk chunk, Vec v) {
  if constexpr (Chunk::kIsTail) {
    float tmp[kLanes];
    storeu(tmp, v);
    return chunk.load(tmp);
  } else {
    return v;
  }
}

// Largest element of p[0..n) (-inf when n == 0). The tail is scanned in
// scalar code: a partial load fills inactive lanes with 0, not -inf.
inline float row_max(const float* p, size_t n) {
  Vec acc = set1(-__builtin_inff());
  size_t j = 0;
  for (; j + kLanes <= n; j += kLanes) acc = max(acc, loadu(p + j));
  float m = reduce_max(acc);
  for (; j < n; ++j) m = p[j] > m ? p[j] : m;
  return m;
}

// e^x. Cephes-style: x = n*ln2 + r with |r| <= ln2/2, e^r by a degree-6
// polynomial, then scaled by 2^n. Overflows to +inf above 88.7228, flushes
// to 0 below -87.3365 (where the true value is subnormal); NaN stays NaN.
inline Vec vexp(Vec x) {
  const Vec hi = set1(88.72283905206835f), lo = set1(-87.33654475f);
  const auto nan = cmp_unord(x, x);
  // Clamp, and keep NaN out of the integer conversion below.
  const Vec xc = select(nan, zero(), max(min(x, hi), lo));
  const Vec n = round_nearest(mul(xc, set1(1.44269504088896341f)));
  // r = x - n*ln2 in two parts (ln2 = 0.693359375 - 2.12194440e-4) so that
  // n*C1 is exact.
  Vec r = fnmadd(n, set1(0.693359375f), xc);
  r = fnmadd(n, set1(-2.12194440e-4f), r);
  Vec p = set1(1.9875691500e-4f);
  p = fmadd(p, r, set1(1.3981999507e-3f));
  p = fmadd(p, r, set1(8.3334519073e-3f));
  p = fmadd(p, r, set1(4.1665795894e-2f));
  p = fmadd(p, r, set1(1.6666665459e-1f));
  p = fmadd(p, r, set1(5.0000001201e-1f));
  p = fmadd(mul(p, r), r, add(r, set1(1.0f)));
  // n is in [-126, 128]; 2^128 is not a float, so scale in two steps.
  const Vec n1 = min(n, set1(127.0f));
  Vec result = mul(mul(p, pow2i(n1)), pow2i(sub(n, n1)));
  result = select(cmp_gt(x, hi), set1(__builtin_inff()), result);
  result = select(cmp_lt(x, lo), zero(), result);
  return select(nan, x, result);
}

// 1 / (1 + e^-x): exact limits 0 and 1, no overflow.
inline Vec vsigmoid(Vec x) {
  const Vec one = set1(1.0f);
  return div(one, add(one, vexp(neg(x))));
}

// tanh(x): odd Taylor polynomial for |x| < 0.4 (no cancellation near 0),
// else 1 - 2 / (e^{2|x|} + 1); the sign is restored at the end.
inline Vec vtanh(Vec x) {
  const Vec ax = abs(x);
  const Vec x2 = mul(ax, ax);
  Vec p = set1(-1382.0f / 155925.0f);
  p = fmadd(p, x2, set1(62.0f / 2835.0f));
  p = fmadd(p, x2, set1(-17.0f / 315.0f));
  p = fmadd(p, x2, set1(2.0f / 15.0f));
  p = fmadd(p, x2, set1(-1.0f / 3.0f));
  const Vec small = fmadd(mul(p, x2), ax, ax);
  const Vec one = set1(1.0f);
  const Vec large = sub(one, div(set1(2.0f), add(vexp(add(ax, ax)), one)));
  const Vec t = select(cmp_lt(ax, set1(0.4f)), small, large);
  return select(cmp_lt(x, zero()), neg(t), t);
}

// log(1 + u) for u in [0, 1] (the range softplus needs): 2*atanh(s) with
// s = u / (2 + u) <= 1/3, a series in s^2 up to s^16 (error < 1e-9).
inline Vec vlog1p_unit(Vec u) {
  const Vec s = div(u, add(set1(2.0f), u));
  const Vec s2 = mul(s, s);
  Vec p = set1(1.0f / 17.0f);
  p = fmadd(p, s2, set1(1.0f / 15.0f));
  p = fmadd(p, s2, set1(1.0f / 13.0f));
  p = fmadd(p, s2, set1(1.0f / 11.0f));
  p = fmadd(p, s2, set1(1.0f / 9.0f));
  p = fmadd(p, s2, set1(1.0f / 7.0f));
  p = fmadd(p, s2, set1(1.0f / 5.0f));
  p = fmadd(p, s2, set1(1.0f / 3.0f));
  p = fmadd(p, s2, set1(1.0f));
  return mul(add(s, s), p);
}

// erfc(z) for z >= 0: the Chebyshev fit t*exp(-z^2 + P(t)), t = 1/(1+z/2)
// (Numerical Recipes, relative error < 1.2e-7 for every z >= 0).
inline Vec verfc_nonneg(Vec z) {
  const Vec t = div(set1(1.0f), fmadd(set1(0.5f), z, set1(1.0f)));
  Vec p = set1(0.17087277f);
  p = fmadd(p, t, set1(-0.82215223f));
  p = fmadd(p, t, set1(1.48851587f));
  p = fmadd(p, t, set1(-1.13520398f));
  p = fmadd(p, t, set1(0.27886807f));
  p = fmadd(p, t, set1(-0.18628806f));
  p = fmadd(p, t, set1(0.09678418f));
  p = fmadd(p, t, set1(0.37409196f));
  p = fmadd(p, t, set1(1.00002368f));
  p = fmadd(p, t, set1(-1.26551223f));
  return mul(t, vexp(fnmadd(z, z, p)));
}

// The standard normal CDF Phi(x) = erfc(-x/sqrt2)/2, accurate in both tails.
inline Vec vphi(Vec x) {
  const Vec half_erfc = mul(set1(0.5f), verfc_nonneg(mul(abs(x), set1(0.70710678118654752f))));
  return select(cmp_lt(x, zero()), half_erfc, sub(set1(1.0f), half_erfc));
}

// The standard normal density phi(x) = e^{-x^2/2} / sqrt(2 pi).
inline Vec vnormal_pdf(Vec x) {
  return mul(set1(0.39894228040143268f), vexp(mul(set1(-0.5f), mul(x, x))));
}

// Float transforms of random words, written with add/sub/mul/div/sqrt,
// compares and integer ops only: all are correctly rounded IEEE operations,
// so every ISA produces the same bits. No fmadd (SSE2 cannot fuse) and no
// min/max (their choice between +0 and -0 differs between ISAs): clamps are
// compare + select. Included inside an ISA namespace by rng_kernels.isa.cc.
// (No #include here on purpose.)

// x < lo ? lo : (x > hi ? hi : x)
inline Vec clamp_sel(Vec x, Vec lo, Vec hi) {
  x = select(cmp_lt(x, lo), lo, x);
  return select(cmp_gt(x, hi), hi, x);
}

// c[0] * x^k + ... + c[k], Horner with separate mul and add roundings.
template <size_t kCount>
inline Vec horner(Vec x, const float (&c)[kCount]) {
  Vec acc = set1(c[0]);
  for (size_t i = 1; i < kCount; ++i) acc = add(mul(acc, x), set1(c[i]));
  return acc;
}

// Natural log of a positive normal float. x = m * 2^e with m in
// [sqrt(1/2), sqrt(2)); log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716,
// from the odd series 2s (1 + s^2/3 + s^4/5 + s^6/7 + s^8/9): the first
// omitted term is below 2e-9 relative, far under float's 6e-8.
inline Vec log_positive(Vec x) {
  const IVec bits = bitcast_i(x);
  Vec e = sub(cvt_i32_f32(ishr<23>(bits)), set1(127.0f));
  Vec m = bitcast_f(ior(iand(bits, iset1(0x007FFFFFu)), iset1(0x3F800000u)));  // [1, 2)
  const Mask big = cmp_gt(m, set1(1.41421356f));
  m = select(big, mul(m, set1(0.5f)), m);  // exact
  e = select(big, add(e, set1(1.0f)), e);
  const Vec f = sub(m, set1(1.0f));  // exact (Sterbenz)
  const Vec s = div(f, add(f, set1(2.0f)));
  const Vec s2 = mul(s, s);
  static const float kSeries[] = {1.0f / 9, 1.0f / 7, 1.0f / 5, 1.0f / 3};
  const Vec two_s = add(s, s);
  const Vec log_m = add(two_s, mul(mul(two_s, s2), horner(s2, kSeries)));
  // ln 2 split so e * ln2_hi is exact (ln2_hi has 9 significant bits).
  return add(mul(e, set1(0.693359375f)), add(log_m, mul(e, set1(-2.12194440e-4f))));
}

// Standard-normal quantile Phi^-1(p) for p in (0, 1); each lane's value does
// not depend on the others (no data-dependent loop, no rejection).
// With t = min(p, 1 - p):
//  - centre (t >= 0.02425): z = sqrt(2) erfinv(1 - 2t), using M. Giles'
//    single-precision erfinv polynomial in w = -log(4t(1 - t)) ("Approximating
//    the erfinv function", GPU Computing Gems, 2011), whose terms do not
//    cancel in float (Acklam's central rational loses ~1e-4 there);
//  - tail (t < 0.02425): P. J. Acklam's rational in u = sqrt(-2 log t),
//    well conditioned there and accurate down to t = FLT_MIN.
// Each lane takes one log, of the argument its region needs; the tail
// rational is evaluated only when some lane needs it.
inline Vec normal_icdf(Vec p) {
  static const float kGiles[] = {2.81022636e-08f,  3.43273939e-07f, -3.5233877e-06f,
                                 -4.39150654e-06f, 0.00021858087f,  -0.00125372503f,
                                 -0.00417768164f,  0.246640727f,    1.50140941f};
  static const float kC[] = {-7.784894002430293e-03f, -3.223964580411365e-01f, -2.400758277161838e+00f,
                             -2.549732539343734e+00f, 4.374664141464968e+00f, 2.938163982698783e+00f};
  static const float kD[] = {7.784695709041462e-03f, 3.224671290700398e-01f, 2.445134137142996e+00f,
                             3.754408661907416e+00f, 1.0f};
  const Vec one = set1(1.0f);
  const Mask upper = cmp_gt(p, set1(0.5f));
  Vec t = select(upper, sub(one, p), p);  // 1 - p is exact for p >= 1/2
  t = select(cmp_lt(t, set1(1.17549435e-38f)), set1(1.17549435e-38f), t);  // keep log finite
  const Mask in_tail = cmp_lt(t, set1(0.02425f));
  const Vec log_arg = select(in_tail, t, mul(mul(set1(4.0f), t), sub(one, t)));
  const Vec log_v = log_positive(log_arg);

  const Vec w = sub(neg(log_v), set1(2.5f));
  const Vec centre = mul(set1(1.41421356f), mul(sub(one, add(t, t)), horner(w, kGiles)));  // >= 0
  Vec lower = neg(centre);  // Phi^-1(t), t <= 1/2
  // Most vectors have no tail lane: skipping the tail's sqrt and div then
  // cannot change a bit, since the select below would discard them.
  if (any_true(in_tail)) {
    const Vec u = sqrt(mul(set1(-2.0f), log_v));
    const Vec tail = div(horner(u, kC), horner(u, kD));  // < 0
    lower = select(in_tail, tail, lower);
  }
  return select(upper, neg(lower), lower);
}

// Top 24 bits of a word as a float in [0, 1).
inline Vec unit_closed_open(IVec w) { return mul(cvt_i32_f32(ishr<8>(w)), set1(0x1p-24f)); }

// (2k + 1) * 2^-24 for the top 23 bits k: in (0, 1), symmetric about 1/2,
// with 1 - u exact, so both tails of a quantile transform get equal care.
inline Vec unit_open(IVec w) { return add(mul(cvt_i32_f32(ishr<9>(w)), set1(0x1p-23f)), set1(0x1p-24f)); }

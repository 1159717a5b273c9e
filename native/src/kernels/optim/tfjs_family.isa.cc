// TensorFlow.js's optimizer updates (tf.train.sgd / momentum / adam / adamax
// / rmsprop / adagrad / adadelta), fused into one pass each. tfjs runs every
// step as separate float32 tensor ops; each op here is the same correctly
// rounded float op in tfjs's order (no FMA), so results match tfjs's cpu
// backend bit for bit. The per-step scalars (bias corrections in float32
// like tfjs's accBeta variables, -lr, 1 - beta) are computed by
// lib/tfjs/optimizers and passed in OptimScalars (layout in optim_types.h).
// tfjs's own quirks are kept on purpose: Adadelta scales by the *old*
// squared-gradient average, centered RMSprop subtracts mg^2 + eps.
#include "../../simd/target.h"

#include <type_traits>

#include "optim_table.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

#include "optim_helpers.inl"

// p = c0*g + p (SGD); with momentum: acc = b1*acc + g, p = c0*acc + p,
// Nesterov: p = c0*(g + acc*b1) + p. c0 = -lr.
template <bool kMomentum, bool kNesterov>
void sgd_core(const OptimScalars& s, const OptimSpan& t, size_t n) {
  const Vec neg_lr = set1(s.c[0]), m = set1(s.b1);
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec p = chunk.load(t.p + i), g = chunk.load(t.g + i);
    Vec d = g;
    if constexpr (kMomentum) {
      const Vec acc = add(mul(m, chunk.load(t.s0 + i)), g);
      chunk.store(t.s0 + i, acc);
      d = kNesterov ? add(g, mul(acc, m)) : acc;
    }
    chunk.store(t.p + i, add(mul(neg_lr, d), p));
  });
}

void sgd(const OptimScalars& s, const OptimSpan& t, size_t n) {
  with_flag((s.flags & kFlagMomentum) != 0, [&](auto mom) {
    with_flag((s.flags & kFlagNesterov) != 0, [&](auto nes) {
      sgd_core<decltype(mom)::value, decltype(mom)::value && decltype(nes)::value>(s, t, n);
    });
  });
}

// m = m*b1 + g*c1; v = v*b2 + (g*g)*c2;
// p = ((m / c3) / (sqrt(v / c4) + eps)) * c5 + p
// c1 = 1 - b1, c2 = 1 - b2, c3 = 1 - accBeta1, c4 = 1 - accBeta2, c5 = -lr.
void adam(const OptimScalars& s, const OptimSpan& t, size_t n) {
  const Vec b1 = set1(s.b1), b2 = set1(s.b2), c1 = set1(s.c[1]), c2 = set1(s.c[2]);
  const Vec c3 = set1(s.c[3]), c4 = set1(s.c[4]), c5 = set1(s.c[5]), eps = set1(s.eps);
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec g = chunk.load(t.g + i), p = chunk.load(t.p + i);
    const Vec m = add(mul(chunk.load(t.s0 + i), b1), mul(g, c1));
    const Vec v = add(mul(chunk.load(t.s1 + i), b2), mul(mul(g, g), c2));
    chunk.store(t.s0 + i, m);
    chunk.store(t.s1 + i, v);
    chunk.store(t.p + i, add(mul(div(div(m, c3), add(sqrt(div(v, c4)), eps)), c5), p));
  });
}

// Math.max semantics: NaN when either side is NaN.
inline Vec max_nan(Vec a, Vec b) { return select(cmp_unord(a, b), add(a, b), max(a, b)); }

// m = m*b1 + g*c1; u = max(u*b2, |g|); p = c3 * (m / (u + eps)) + p
// c1 = 1 - b1, c3 = (-lr / (iteration*decay + 1)) / (1 - accBeta1).
void adamax(const OptimScalars& s, const OptimSpan& t, size_t n) {
  const Vec b1 = set1(s.b1), b2 = set1(s.b2), c1 = set1(s.c[1]), c3 = set1(s.c[3]), eps = set1(s.eps);
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec g = chunk.load(t.g + i), p = chunk.load(t.p + i);
    const Vec m = add(mul(chunk.load(t.s0 + i), b1), mul(g, c1));
    const Vec u = max_nan(mul(chunk.load(t.s1 + i), b2), abs(g));
    chunk.store(t.s0 + i, m);
    chunk.store(t.s1 + i, u);
    chunk.store(t.p + i, add(mul(c3, div(m, add(u, eps))), p));
  });
}

// ms = ms*b1 + (g*g)*c1; plain: mom = mom*c2 + (g*c3) / sqrt(ms + eps);
// centered: mg = mg*b1 + g*c1, mom = mom*c2 + (g*c3) / sqrt(ms - (mg*mg + eps));
// p = p - mom. b1 = decay, c1 = 1 - decay, c2 = momentum, c3 = lr.
template <bool kCentered>
void rmsprop_core(const OptimScalars& s, const OptimSpan& t, size_t n) {
  const Vec decay = set1(s.b1), c1 = set1(s.c[1]), mom_v = set1(s.c[2]), lr = set1(s.c[3]), eps = set1(s.eps);
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec g = chunk.load(t.g + i), p = chunk.load(t.p + i);
    const Vec ms = add(mul(chunk.load(t.s0 + i), decay), mul(mul(g, g), c1));
    Vec denom;
    if constexpr (kCentered) {
      const Vec mg = add(mul(chunk.load(t.s2 + i), decay), mul(g, c1));
      chunk.store(t.s2 + i, mg);
      denom = sqrt(sub(ms, add(mul(mg, mg), eps)));
    } else {
      denom = sqrt(add(ms, eps));
    }
    const Vec mom = add(mul(chunk.load(t.s1 + i), mom_v), div(mul(g, lr), denom));
    chunk.store(t.s0 + i, ms);
    chunk.store(t.s1 + i, mom);
    chunk.store(t.p + i, sub(p, mom));
  });
}

void rmsprop(const OptimScalars& s, const OptimSpan& t, size_t n) {
  with_flag((s.flags & kFlagCentered) != 0, [&](auto c) { rmsprop_core<decltype(c)::value>(s, t, n); });
}

// acc = acc + g*g; p = (g / sqrt(acc + eps)) * c0 + p, c0 = -lr.
void adagrad(const OptimScalars& s, const OptimSpan& t, size_t n) {
  const Vec neg_lr = set1(s.c[0]), eps = set1(s.eps);
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec g = chunk.load(t.g + i), p = chunk.load(t.p + i);
    const Vec acc = add(chunk.load(t.s0 + i), mul(g, g));
    chunk.store(t.s0 + i, acc);
    chunk.store(t.p + i, add(mul(div(g, sqrt(add(acc, eps))), neg_lr), p));
  });
}

// ag' = ag*rho + (g*g)*c1; d = (sqrt(au + eps) / sqrt(ag + eps)) * g (old ag);
// au = au*rho + (d*d)*c1; p = d*c0 + p. b1 = rho, c1 = 1 - rho, c0 = -lr.
void adadelta(const OptimScalars& s, const OptimSpan& t, size_t n) {
  const Vec rho = set1(s.b1), c1 = set1(s.c[1]), neg_lr = set1(s.c[0]), eps = set1(s.eps);
  for_each_chunk(n, [&](size_t i, auto chunk) {
    const Vec g = chunk.load(t.g + i), p = chunk.load(t.p + i);
    const Vec ag = chunk.load(t.s0 + i), au = chunk.load(t.s1 + i);
    const Vec d = mul(div(sqrt(add(au, eps)), sqrt(add(ag, eps))), g);
    chunk.store(t.s0 + i, add(mul(ag, rho), mul(mul(g, g), c1)));
    chunk.store(t.s1 + i, add(mul(au, rho), mul(mul(d, d), c1)));
    chunk.store(t.p + i, add(mul(d, neg_lr), p));
  });
}

}  // namespace

extern const TfjsOptimKernels kTfjsOptimKernels = {sgd, adam, adamax, rmsprop, adagrad, adadelta};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

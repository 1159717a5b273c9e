// SGD (momentum, dampening, Nesterov), Adagrad, RMSprop (centered,
// momentum), Adadelta and Lion: one fused pass each over param, grad and
// state. Op order and rounding follow PyTorch 2.x's single-tensor code with
// ATen's default (non-FMA) kernels; Lion follows its paper and Optax.
#include "../../simd/target.h"

#include <type_traits>

#include "../../simd/ivec_extra.h"
#include "optim_table.h"

namespace simdtrain {
namespace SIMDTRAIN_NS {
namespace {

#include "../rng/philox.inl"
#include "optim_helpers.inl"
#include "optim_state.inl"

// kWd: coupled (L2) weight decay g += wd*p, skipped when wd == 0 as PyTorch does.
template <bool kWd>
inline Vec decayed_grad(Vec g, Vec p, Vec wd) {
  return kWd ? add(g, mul(wd, p)) : g;
}

// d_p = g (+ wd p); buf = first ? d_p : momentum*buf + (1 - dampening)*d_p;
// d_p = nesterov ? d_p + momentum*buf : buf; p -= lr * d_p.
template <bool kWd, bool kMomentum, bool kFirst, bool kNesterov, class St>
void sgd_core(const OptimScalars& s, const OptimSpan& t, size_t n) {
  const Vec sign = grad_sign(s.flags), wd = set1(s.wd), lr = set1(s.lr);
  const Vec mom = set1(s.b1), damp = set1(s.c[0]);
  St st(s, t);
  st.loop(n, [&](size_t i, auto chunk) {
    const Vec p = chunk.load(t.p + i);
    Vec d = decayed_grad<kWd>(mul(chunk.load(t.g + i), sign), p, wd);
    if constexpr (kMomentum) {
      const Vec buf = kFirst ? d : add(mul(st.load(chunk, 0, i), mom), mul(damp, d));
      st.store(chunk, 0, i, buf);
      d = kNesterov ? add(d, mul(mom, buf)) : buf;
    }
    chunk.store(t.p + i, sub(p, mul(lr, d)));
  });
}

void sgd(const OptimScalars& s, const OptimSpan& t, size_t n) {
  const uint32_t f = s.flags;
  with_state(f, [&](auto st) {
    with_flag(s.wd != 0.0f, [&](auto wd) {
      with_flag((f & kFlagMomentum) != 0, [&](auto mom) {
        with_flag((f & kFlagFirstStep) != 0, [&](auto first) {
          with_flag((f & kFlagNesterov) != 0, [&](auto nest) {
            sgd_core<decltype(wd)::value, decltype(mom)::value, decltype(first)::value, decltype(nest)::value,
                     typename decltype(st)::type>(s, t, n);
          });
        });
      });
    });
  });
}

// sum += g*g; p -= (clr * g) / (sqrt(sum) + eps).
template <bool kWd, class St>
void adagrad_core(const OptimScalars& s, const OptimSpan& t, size_t n) {
  const Vec sign = grad_sign(s.flags), wd = set1(s.wd), eps = set1(s.eps), clr = set1(s.c[0]);
  St st(s, t);
  st.loop(n, [&](size_t i, auto chunk) {
    const Vec p = chunk.load(t.p + i);
    const Vec g = decayed_grad<kWd>(mul(chunk.load(t.g + i), sign), p, wd);
    const Vec sum = add(st.load(chunk, 0, i), mul(g, g));
    st.store(chunk, 0, i, sum);
    chunk.store(t.p + i, sub(p, div(mul(clr, g), add(sqrt(sum), eps))));
  });
}

void adagrad(const OptimScalars& s, const OptimSpan& t, size_t n) {
  with_state(s.flags, [&](auto st) {
    with_flag(s.wd != 0.0f, [&](auto wd) { adagrad_core<decltype(wd)::value, typename decltype(st)::type>(s, t, n); });
  });
}

// sq = alpha*sq + (1-alpha) g^2; centered: ga = lerp(ga, g, 1-alpha),
// avg = sqrt(sq - ga^2) + eps, else sqrt(sq) + eps; momentum: buf =
// momentum*buf + g/avg, p -= lr*buf; else p -= (lr*g)/avg.
// State: s0 = square_avg, s1 = momentum_buffer, s2 = grad_avg.
template <bool kWd, bool kCentered, bool kMomentum, class St>
void rmsprop_core(const OptimScalars& s, const OptimSpan& t, size_t n) {
  const Vec sign = grad_sign(s.flags), wd = set1(s.wd), eps = set1(s.eps), lr = set1(s.lr);
  const Vec alpha = set1(s.b1), w = set1(s.c[1]), mom = set1(s.c[2]);
  const Lerp ema(s.c[1]);
  St st(s, t);
  st.loop(n, [&](size_t i, auto chunk) {
    Vec p = chunk.load(t.p + i);
    const Vec g = decayed_grad<kWd>(mul(chunk.load(t.g + i), sign), p, wd);
    const Vec sq = add(mul(st.load(chunk, 0, i), alpha), mul(mul(w, g), g));
    st.store(chunk, 0, i, sq);
    Vec avg;
    if constexpr (kCentered) {
      const Vec ga = ema(st.load(chunk, 2, i), g);
      st.store(chunk, 2, i, ga);
      avg = sqrt(sub(sq, mul(ga, ga)));
    } else {
      avg = sqrt(sq);
    }
    avg = add(avg, eps);
    if constexpr (kMomentum) {
      const Vec buf = add(mul(st.load(chunk, 1, i), mom), div(g, avg));
      st.store(chunk, 1, i, buf);
      p = sub(p, mul(lr, buf));
    } else {
      p = sub(p, div(mul(lr, g), avg));
    }
    chunk.store(t.p + i, p);
  });
}

void rmsprop(const OptimScalars& s, const OptimSpan& t, size_t n) {
  with_state(s.flags, [&](auto st) {
    with_flag(s.wd != 0.0f, [&](auto wd) {
      with_flag((s.flags & kFlagCentered) != 0, [&](auto centered) {
        with_flag((s.flags & kFlagMomentum) != 0, [&](auto mom) {
          rmsprop_core<decltype(wd)::value, decltype(centered)::value, decltype(mom)::value,
                       typename decltype(st)::type>(s, t, n);
        });
      });
    });
  });
}

// sq = rho*sq + (1-rho) g^2; delta = sqrt(acc + eps) / sqrt(sq + eps) * g;
// acc = rho*acc + (1-rho) delta^2; p -= lr*delta. s0 = square_avg, s1 = acc_delta.
template <bool kWd, class St>
void adadelta_core(const OptimScalars& s, const OptimSpan& t, size_t n) {
  const Vec sign = grad_sign(s.flags), wd = set1(s.wd), eps = set1(s.eps), lr = set1(s.lr);
  const Vec rho = set1(s.b1), w = set1(s.c[1]);
  St st(s, t);
  st.loop(n, [&](size_t i, auto chunk) {
    const Vec p = chunk.load(t.p + i);
    const Vec g = decayed_grad<kWd>(mul(chunk.load(t.g + i), sign), p, wd);
    const Vec sq = add(mul(st.load(chunk, 0, i), rho), mul(mul(w, g), g));
    const Vec acc = st.load(chunk, 1, i);
    const Vec delta = mul(div(sqrt(add(acc, eps)), sqrt(add(sq, eps))), g);
    st.store(chunk, 0, i, sq);
    st.store(chunk, 1, i, add(mul(acc, rho), mul(mul(w, delta), delta)));
    chunk.store(t.p + i, sub(p, mul(lr, delta)));
  });
}

void adadelta(const OptimScalars& s, const OptimSpan& t, size_t n) {
  with_state(s.flags, [&](auto st) {
    with_flag(s.wd != 0.0f, [&](auto wd) { adadelta_core<decltype(wd)::value, typename decltype(st)::type>(s, t, n); });
  });
}

// c = b1*m + (1-b1) g; p = p*(1 - lr*wd) - lr*sign(c); m = b2*m + (1-b2) g.
// sign(0) = 0 and sign(NaN) = NaN, as torch.sign and jnp.sign.
template <bool kWd, class St>
void lion_core(const OptimScalars& s, const OptimSpan& t, size_t n) {
  const Vec sign = grad_sign(s.flags), lr = set1(s.lr), decay = set1(s.c[0]);
  const Vec b1 = set1(s.b1), b2 = set1(s.b2), w1 = set1(s.c[1]), w2 = set1(s.c[2]);
  const Vec zero_v = zero(), plus = set1(1.0f), minus = set1(-1.0f);
  St st(s, t);
  st.loop(n, [&](size_t i, auto chunk) {
    Vec p = chunk.load(t.p + i);
    const Vec g = mul(chunk.load(t.g + i), sign);
    const Vec m = st.load(chunk, 0, i);
    const Vec c = add(mul(m, b1), mul(w1, g));
    const Vec sgn = select(cmp_gt(c, zero_v), plus, select(cmp_lt(c, zero_v), minus, c));
    if constexpr (kWd) p = mul(p, decay);
    chunk.store(t.p + i, sub(p, mul(lr, sgn)));
    st.store(chunk, 0, i, add(mul(m, b2), mul(w2, g)));
  });
}

void lion(const OptimScalars& s, const OptimSpan& t, size_t n) {
  with_state(s.flags, [&](auto st) {
    with_flag(s.wd != 0.0f, [&](auto wd) { lion_core<decltype(wd)::value, typename decltype(st)::type>(s, t, n); });
  });
}

}  // namespace

extern const BasicOptimKernels kBasicOptimKernels = {sgd, adagrad, rmsprop, adadelta, lion};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

// Adam, AdamW, AMSGrad, Adamax, NAdam, RAdam and LAMB as small
// specializations of one fused core: every variant reads g, p and its moment
// buffers once per element, applies weight decay, updates the moments and
// the parameter, and writes each buffer once. Op order and rounding follow
// PyTorch 2.x's single-tensor code with ATen's default (non-FMA) kernels.
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

enum Mode { kAdam, kAdamax, kNadam, kRadamRect, kRadamPlain, kLambMoments, kLambApply };

// LAMB's update direction u = (m / bc1) / (sqrt(v / bc2) + eps) (+ wd p).
template <bool kWd>
inline Vec lamb_direction(Vec m, Vec v, Vec p, Vec bc1, Vec bc2, Vec eps, Vec wd) {
  const Vec r = div(div(m, bc1), add(sqrt(div(v, bc2)), eps));
  return kWd ? add(r, mul(wd, p)) : r;
}

// kDecoupled: p *= 1 - lr*wd first (AdamW). kWd: coupled weight decay
// (g += wd*p; for LAMB, u += wd*p). `out` receives LAMB's two squared norms.
// St: fp32 or bf16 state (optim_state.inl).
template <int kMode, bool kAms, bool kDecoupled, bool kWd, class St = F32State>
void core(const OptimScalars& s, const OptimSpan& t, size_t n, double* out) {
  const Vec sign = grad_sign(s.flags), wd = set1(s.wd), eps = set1(s.eps);
  const Vec b1 = set1(s.b1), b2 = set1(s.b2), decay = set1(s.c[0]);
  const Vec w1 = set1(s.c[1]), w2 = set1(s.c[2]);
  const Vec c3 = set1(s.c[3]), c4 = set1(s.c[4]), c5 = set1(s.c[5]), lr = set1(s.lr);
  const Vec one = set1(1.0f);
  const Lerp ema1(s.c[1]);
  Vec acc_p = zero(), acc_u = zero();
  float tail_p = 0.0f, tail_u = 0.0f;

  // Copies: a bf16 state store may alias anything (see Bf16State).
  float* const tp = t.p;
  const float* const tg = t.g;
  // The gradient (sign and coupled decay applied) and p after decoupled decay.
  auto grad = [&](size_t i, auto chunk, Vec& p) {
    Vec g = mul(chunk.load(tg + i), sign);
    if constexpr (kDecoupled) p = mul(p, decay);
    if constexpr (kWd && kMode != kLambMoments) g = add(g, mul(wd, p));
    return g;
  };
  auto moments = [&](Vec& m, Vec& v, Vec g) {
    // First moment: lerp in 2.x's Adam family, mul + add in LAMB.
    m = kMode == kLambMoments ? add(mul(m, b1), mul(w1, g)) : ema1(m, g);
    // Second moment (v), or Adamax's infinity norm kept in the same slot.
    if constexpr (kMode == kAdamax) {
      v = max(mul(v, b2), add(abs(g), eps));
    } else {
      v = add(mul(v, b2), mul(mul(w2, g), g));
    }
  };
  auto adam_param = [&](Vec p, Vec m, Vec second) { return sub(p, div(mul(c3, m), add(div(sqrt(second), c4), eps))); };

  St st(s, t);
  if constexpr (kMode == kAdam && !kAms && St::kStaged) {
    // Two stages (Bf16State::loop_staged): the state update, then the
    // divides, fed the new m and v through `stage` (same operations).
    alignas(64) float stage[2][kSrBlock];
    st.loop_staged(
        n,
        [&](size_t i, auto chunk, size_t e) {
          Vec p = chunk.load(tp + i);
          Vec m = st.load(chunk, 0, i);
          Vec v = st.load(chunk, 1, i);
          moments(m, v, grad(i, chunk, p));
          st.store(chunk, 0, i, m);
          st.store(chunk, 1, i, v);
          storeu(stage[0] + e, m);
          storeu(stage[1] + e, v);
        },
        [&](size_t i, auto chunk, size_t e) {
          Vec p = chunk.load(tp + i);
          if constexpr (kDecoupled) p = mul(p, decay);
          chunk.store(tp + i, adam_param(p, loadu(stage[0] + e), loadu(stage[1] + e)));
        });
    return;
  }
  st.loop(n, [&](size_t i, auto chunk) {
    Vec p = chunk.load(tp + i);
    Vec m = st.load(chunk, 0, i);
    Vec v = st.load(chunk, 1, i);
    if constexpr (kMode == kLambApply) {
      const Vec u = lamb_direction<kWd>(m, v, p, c3, c4, eps, wd);
      chunk.store(tp + i, sub(p, mul(c5, u)));
      return;
    }
    const Vec g = grad(i, chunk, p);
    moments(m, v, g);
    st.store(chunk, 0, i, m);
    st.store(chunk, 1, i, v);

    if constexpr (kMode == kAdam) {
      Vec second = v;
      if constexpr (kAms) {
        second = max(st.load(chunk, 2, i), v);
        st.store(chunk, 2, i, second);
      }
      p = adam_param(p, m, second);
    } else if constexpr (kMode == kAdamax) {
      p = sub(p, div(mul(c3, m), v));
    } else if constexpr (kMode == kNadam) {
      const Vec denom = add(sqrt(div(v, c3)), eps);
      p = sub(p, div(mul(c4, g), denom));
      p = sub(p, div(mul(c5, m), denom));
    } else if constexpr (kMode == kRadamRect) {
      const Vec adaptive = mul(div(one, add(sqrt(v), eps)), c4);  // ATen: s / t = (1 / t) * s
      p = sub(p, mul(mul(mul(div(m, c3), lr), adaptive), c5));
    } else if constexpr (kMode == kRadamPlain) {
      p = sub(p, mul(div(m, c3), lr));
    } else if constexpr (kMode == kLambMoments) {
      const Vec u = lamb_direction<kWd>(m, v, p, c3, c4, eps, wd);
      if constexpr (decltype(chunk)::kIsTail) {
        // Inactive lanes may hold 0/0 = NaN (eps = 0): sum only the live ones.
        float pb[kLanes], ub[kLanes];
        chunk.store(pb, mul(p, p));
        chunk.store(ub, mul(u, u));
        for (size_t k = 0; k < chunk.count; ++k) {
          tail_p += pb[k];
          tail_u += ub[k];
        }
      } else {
        acc_p = add(acc_p, mul(p, p));
        acc_u = add(acc_u, mul(u, u));
      }
      return;  // p is written by the second pass
    }
    chunk.store(tp + i, p);
  });
  if constexpr (kMode == kLambMoments) {
    out[0] += static_cast<double>(reduce_add(acc_p)) + tail_p;
    out[1] += static_cast<double>(reduce_add(acc_u)) + tail_u;
  }
}

// Picks the instantiation for the flags of `s` (not LAMB's modes).
template <int kMode>
void run(const OptimScalars& s, const OptimSpan& t, size_t n, double* out) {
  const bool decoupled = (s.flags & kFlagDecoupled) != 0;
  with_state(s.flags, [&](auto st) {
    with_flag(decoupled, [&](auto dec) {
      with_flag(!decoupled && s.wd != 0.0f, [&](auto wd) {
        core<kMode, false, decltype(dec)::value, decltype(wd)::value, typename decltype(st)::type>(s, t, n, out);
      });
    });
  });
}

void adam(const OptimScalars& s, const OptimSpan& t, size_t n) {
  const bool decoupled = (s.flags & kFlagDecoupled) != 0;
  with_state(s.flags, [&](auto st) {
    with_flag((s.flags & kFlagAmsgrad) != 0, [&](auto ams) {
      with_flag(decoupled, [&](auto dec) {
        with_flag(!decoupled && s.wd != 0.0f, [&](auto wd) {
          core<kAdam, decltype(ams)::value, decltype(dec)::value, decltype(wd)::value, typename decltype(st)::type>(
              s, t, n, nullptr);
        });
      });
    });
  });
}

void adamax(const OptimScalars& s, const OptimSpan& t, size_t n) { run<kAdamax>(s, t, n, nullptr); }
void nadam(const OptimScalars& s, const OptimSpan& t, size_t n) { run<kNadam>(s, t, n, nullptr); }

void radam(const OptimScalars& s, const OptimSpan& t, size_t n) {
  if (s.flags & kFlagRectify) {
    run<kRadamRect>(s, t, n, nullptr);
  } else {
    run<kRadamPlain>(s, t, n, nullptr);
  }
}

// LAMB's decay is part of the update direction, never decoupled.
void lamb_moments(const OptimScalars& s, const OptimSpan& t, size_t n, double* out) {
  with_flag(s.wd != 0.0f, [&](auto wd) { core<kLambMoments, false, false, decltype(wd)::value>(s, t, n, out); });
}

void lamb_apply(const OptimScalars& s, const OptimSpan& t, size_t n) {
  with_flag(s.wd != 0.0f, [&](auto wd) { core<kLambApply, false, false, decltype(wd)::value>(s, t, n, nullptr); });
}

}  // namespace

extern const AdamFamilyKernels kAdamFamilyKernels = {adam, adamax, nadam, radam, lamb_moments, lamb_apply};

}  // namespace SIMDTRAIN_NS
}  // namespace simdtrain

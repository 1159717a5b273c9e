// Plain scalar references for the optimizer kernels: one float op at a time
// in PyTorch's order (no FMA), written independently of the SIMD code.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include "../src/kernels/optim/optim_types.h"

namespace testing {

using simdtrain::OptimKind;
using simdtrain::OptimScalars;

inline float lerp_ref(float a, float b, float w) {
  return std::fabs(w) < 0.5f ? a + w * (b - a) : b - (b - a) * (1.0f - w);
}

// One element of every element-wise kind (everything but LAMB).
inline void ref_element(OptimKind kind, const OptimScalars& s, float& p, float g, float& s0, float& s1, float& s2) {
  using namespace simdtrain;
  const uint32_t f = s.flags;
  if (f & kFlagMaximize) g = -g;
  const bool decoupled = (f & kFlagDecoupled) != 0;
  if (decoupled) p = p * s.c[0];
  if (!decoupled && s.wd != 0 && kind != OptimKind::lion) g = g + s.wd * p;
  switch (kind) {
    case OptimKind::sgd: {
      float d = g;
      if (f & kFlagMomentum) {
        s0 = (f & kFlagFirstStep) ? d : s0 * s.b1 + s.c[0] * d;
        d = (f & kFlagNesterov) ? d + s.b1 * s0 : s0;
      }
      p = p - s.lr * d;
      break;
    }
    case OptimKind::adam: {
      s0 = lerp_ref(s0, g, s.c[1]);
      s1 = s1 * s.b2 + (s.c[2] * g) * g;
      float second = s1;
      if (f & kFlagAmsgrad) second = s2 = std::max(s2, s1);
      p = p - (s.c[3] * s0) / (std::sqrt(second) / s.c[4] + s.eps);
      break;
    }
    case OptimKind::adamax:
      s0 = lerp_ref(s0, g, s.c[1]);
      s1 = std::max(s1 * s.b2, std::fabs(g) + s.eps);
      p = p - (s.c[3] * s0) / s1;
      break;
    case OptimKind::nadam: {
      s0 = lerp_ref(s0, g, s.c[1]);
      s1 = s1 * s.b2 + (s.c[2] * g) * g;
      const float denom = std::sqrt(s1 / s.c[3]) + s.eps;
      p = p - (s.c[4] * g) / denom;
      p = p - (s.c[5] * s0) / denom;
      break;
    }
    case OptimKind::radam: {
      s0 = lerp_ref(s0, g, s.c[1]);
      s1 = s1 * s.b2 + (s.c[2] * g) * g;
      float step = (s0 / s.c[3]) * s.lr;
      if (f & kFlagRectify) step = (step * ((1.0f / (std::sqrt(s1) + s.eps)) * s.c[4])) * s.c[5];
      p = p - step;
      break;
    }
    case OptimKind::adagrad:
      s0 = s0 + g * g;
      p = p - (s.c[0] * g) / (std::sqrt(s0) + s.eps);
      break;
    case OptimKind::rmsprop: {
      s0 = s0 * s.b1 + (s.c[1] * g) * g;
      float avg;
      if (f & kFlagCentered) {
        s2 = lerp_ref(s2, g, s.c[1]);
        avg = std::sqrt(s0 - s2 * s2);
      } else {
        avg = std::sqrt(s0);
      }
      avg = avg + s.eps;
      if (f & kFlagMomentum) {
        s1 = s1 * s.c[2] + g / avg;
        p = p - s.lr * s1;
      } else {
        p = p - (s.lr * g) / avg;
      }
      break;
    }
    case OptimKind::adadelta: {
      s0 = s0 * s.b1 + (s.c[1] * g) * g;
      const float delta = (std::sqrt(s1 + s.eps) / std::sqrt(s0 + s.eps)) * g;
      s1 = s1 * s.b1 + (s.c[1] * delta) * delta;
      p = p - s.lr * delta;
      break;
    }
    case OptimKind::lion: {
      const float c = s0 * s.b1 + s.c[1] * g;
      const float sign = c > 0 ? 1.0f : c < 0 ? -1.0f : c;
      if (s.wd != 0) p = p * s.c[0];
      p = p - s.lr * sign;
      s0 = s0 * s.b2 + s.c[2] * g;
      break;
    }
    case OptimKind::lamb: break;  // not element-wise: see ref_lamb
  }
}

// LAMB over one tensor, norms in double.
inline void ref_lamb(const OptimScalars& s, double lr, float* p, const float* g, float* m, float* v, size_t n) {
  std::vector<float> u(n);
  double pp = 0, uu = 0;
  for (size_t i = 0; i < n; ++i) {
    const float gi = (s.flags & simdtrain::kFlagMaximize) ? -g[i] : g[i];
    m[i] = m[i] * s.b1 + s.c[1] * gi;
    v[i] = v[i] * s.b2 + (s.c[2] * gi) * gi;
    u[i] = (m[i] / s.c[3]) / (std::sqrt(v[i] / s.c[4]) + s.eps);
    if (s.wd != 0) u[i] = u[i] + s.wd * p[i];
    pp += static_cast<double>(p[i]) * p[i];
    uu += static_cast<double>(u[i]) * u[i];
  }
  const double pn = std::sqrt(pp), un = std::sqrt(uu);
  const float scale = static_cast<float>(lr * ((pn > 0 && un > 0) ? pn / un : 1.0));
  for (size_t i = 0; i < n; ++i) p[i] = p[i] - scale * u[i];
}

}  // namespace testing

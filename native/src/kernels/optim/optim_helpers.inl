// Helpers shared by the optimizer kernel files of one ISA build. Included
// *inside* the ISA namespace (like simd/loop.inl), so each ISA gets its own
// copy and the linker can never mix them up. (No #include here on purpose.)

// Calls f(std::true_type) or f(std::false_type): turns a runtime option into
// a template argument so the inner loops carry no per-element branches.
template <class F>
inline void with_flag(bool b, F&& f) {
  if (b) {
    f(std::true_type{});
  } else {
    f(std::false_type{});
  }
}

// torch.lerp(a, b, w) with a scalar weight, as ATen's default kernel does it:
// a + w*(b - a) when |w| < 0.5, else b - (b - a)*(1 - w) (1 - w in float).
struct Lerp {
  bool small;
  Vec w, one_minus_w;
  explicit Lerp(float weight)
      : small(weight < 0.5f && weight > -0.5f), w(set1(weight)), one_minus_w(set1(1.0f - weight)) {}
  Vec operator()(Vec a, Vec b) const {
    const Vec d = sub(b, a);
    return small ? add(a, mul(w, d)) : sub(b, mul(d, one_minus_w));
  }
};

// -1 when maximizing, else +1: multiplying by it is an exact negation.
inline Vec grad_sign(uint32_t flags) { return set1((flags & kFlagMaximize) ? -1.0f : 1.0f); }

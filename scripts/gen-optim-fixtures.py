#!/usr/bin/env python3
"""Generate PyTorch parity fixtures for simdtrain's optimizers.

Usage (from the repo root):

    /usr/bin/python3 scripts/gen-optim-fixtures.py [--out DIR] [--skip-verify]

Writes one JSON file per optimizer family to test/fixtures/optim/<name>.json.
Needs torch (developed against Debian's python3-torch 1.13) and numpy.

Protocol (the TypeScript tests rebuild the gradients bit-for-bit from this)
---------------------------------------------------------------------------
* Parameters: one float32 tensor for each size in SIZES (in order).
* Random numbers: one xorshift32 generator per case, seeded with the case's
  nonzero uint32 `seed`; a step is x ^= x << 13; x ^= x >>> 17; x ^= x << 5
  (all mod 2**32) and the draw is the new x. A draw u maps to the float32
  value ((u >>> 8) * 2**-24) * 2 - 1, which is exact in float32.
* Initial params: for each tensor in order, for each element, one draw.
* Gradients at step t = 1..STEPS: the same generator continues; for each
  tensor in order, for each element, one draw `noise`, and
      grad = float32(float32(0.5 * p) + noise)
  where p is the current float32 parameter value (0.5 * p is exact). The same
  gradient is passed when maximize=True (negating it is the optimizer's job).
* Snapshots of all params after the steps in SNAPSHOTS; the optimizer state
  after the final step is dumped too.

Semantics: PyTorch 2.x single-tensor path
-----------------------------------------
Every optimizer follows PyTorch 2.x's `_single_tensor_<name>` code path
(foreach=False, fused=False, capturable=False, differentiable=False). The
machine has torch 1.13, whose single-tensor code differs from 2.x in these
places (found by reading torch/optim/*.py of 1.13 against 2.x):

 1. NAdam (a real bug in 1.13, fixed in 2.0): 1.13 computes
        mu_product_next = mu_product * mu * mu_next
    after `mu_product *= mu`, i.e. with an extra factor mu; 2.x computes
        mu_product_next = mu_product.item() * mu_next
    (a Python double built from the float32 state tensor). The bug shows from
    step 1 on (after step 1 mu_product = mu1, so 1.13 uses mu1^2*mu2 instead
    of mu1*mu2 in the exp_avg term's step size).
 2. First-moment EMAs: 1.13 writes `buf.mul_(beta).add_(x, alpha=1 - beta)`;
    2.x writes `buf.lerp_(x, 1 - beta)`. Same math, different float32
    rounding (lerp with weight w < 0.5 is buf + w * (x - buf)). Affects
    Adam/AdamW/Adamax/NAdam/RAdam `exp_avg` and centered RMSprop `grad_avg`.
    (exp_avg_sq, square_avg, acc_delta keep mul_().addcmul_() in 2.x.)
 3. Adamax: 1.13 takes amax over a torch.cat of (beta2 * exp_inf,
    |grad| + eps); 2.x uses torch.maximum. Identical values.
 4. RAdam: 2.x writes the rectification term and sqrt(bias_correction2) with
    `** 0.5` instead of math.sqrt (double precision, at most an ulp of a
    double before the float32 cast). 2.x also adds maximize and
    decoupled_weight_decay (both off here, and RAdam/NAdam cases don't use
    them).
 5. RMSprop / Adadelta keep `step` as a Python int in 1.13 and as a float
    tensor in 2.x; no numeric effect. SGD needs an explicit lr in 1.13
    (2.x default 1e-3); every SGD case passes lr explicitly.
SGD, Adagrad and Adadelta single-tensor code is the same in 1.13 and 2.x, so
those run as stock torch.optim classes. Adam, AdamW, Adamax, NAdam, RAdam and
RMSprop run as transcriptions of the 2.x single-tensor code into this script,
made of the same float32 torch tensor ops. Each has a `compat113` switch that
undoes the differences above; unless --skip-verify is given the script first
checks that in that mode every case matches stock torch 1.13 bit-for-bit
(all snapshots and final state), so the transcriptions are known to be faithful
and the fixtures differ from 1.13 only by the documented 2.x changes.

Lion and LAMB are not in torch; they are written here with float32 tensor
ops (see `Lion` and `Lamb` below for the exact formulas).

Precision notes
---------------
* ATEN_CPU_CAPABILITY=default is forced before torch is imported. ATen's
  AVX2/AVX512 kernels fuse multiply-add (e.g. add(alpha=), lerp, addcmul use
  FMA there) and the result then depends on the CPU. The default kernels do
  one correctly rounded float32 operation at a time, which JS can reproduce
  with Math.fround:
      add(a, b, alpha)          = a + f32(alpha) * b
      lerp(a, b, w), w < 0.5    = a + f32(w) * (b - a)
      addcmul(a, b, c, value)   = a + (f32(value) * b) * c
      addcdiv(a, b, c, value)   = a + (f32(value) * b) / c
      t * s, t / s (s a Python float) = t * f32(s), t / f32(s)
      s / t                     = reciprocal(t) * f32(s)
  (Python float scalars are rounded to float32 before the kernel sees them.)
* Per-step scalars (bias corrections, step sizes, NAdam's mu and mu_next,
  RAdam's rho_t and rectification, LAMB's trust ratio) are Python doubles, as
  in PyTorch; they are rounded to float32 only where they enter a kernel.
* `step` is a float32 tensor (exact for these step counts); NAdam's
  `mu_product` is a float32 0-dim tensor, as in 2.x (`mu_product *= mu`
  rounds to float32 every step), read back as a double with .item().
* LAMB's norms are computed in float64 (sum of squares of the float32 values,
  then sqrt); the trust ratio is a double.
* Each case also carries `float64MaxAbsDiff`: for each snapshot, the largest
  |float32 result - float64 result| over all elements, where the float64
  result runs the same algorithm in float64 end to end (same draws). It is a
  measure of float32 rounding noise, useful for choosing test tolerances.
"""

import argparse
import base64
import json
import math
import os
import re
import sys

# Must happen before torch is imported (see "Precision notes").
os.environ["ATEN_CPU_CAPABILITY"] = "default"

import numpy as np  # noqa: E402
import torch  # noqa: E402

SIZES = [1, 7, 17, 64, 1031]
STEPS = 100
SNAPSHOTS = [1, 2, 10, 50, 100]
GENERATOR = "scripts/gen-optim-fixtures.py"

# Our API's option names (camelCase) for PyTorch's state keys.
STATE_NAMES = {
    "momentum_buffer": "momentumBuffer",
    "exp_avg": "expAvg",
    "exp_avg_sq": "expAvgSq",
    "max_exp_avg_sq": "maxExpAvgSq",
    "sum": "sum",
    "square_avg": "squareAvg",
    "grad_avg": "gradAvg",
    "exp_inf": "expInf",
    "mu_product": "muProduct",
    "acc_delta": "accDelta",
    "step": "step",
}


def snake(name):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


# --------------------------------------------------------------------------
# Random numbers and gradients
# --------------------------------------------------------------------------

def xorshift32_values(seed, count):
    """`count` draws of the xorshift32 stream, mapped to [-1, 1), as float64
    (every value is exactly representable in float32)."""
    if not (0 < seed < 2 ** 32):
        raise ValueError("seed must be a nonzero uint32")
    x = seed
    out = np.empty(count, dtype=np.float64)
    for i in range(count):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = ((x >> 8) * 2.0 ** -24) * 2.0 - 1.0
    return out


class Stream:
    """Hands out the per-case draws in protocol order as tensors."""

    def __init__(self, seed, dtype):
        total = sum(SIZES)
        self.values = xorshift32_values(seed, total * (STEPS + 1))
        self.pos = 0
        self.np_dtype = np.float32 if dtype == torch.float32 else np.float64

    def tensors(self):
        out = []
        for n in SIZES:
            chunk = self.values[self.pos:self.pos + n].astype(self.np_dtype)
            self.pos += n
            out.append(torch.from_numpy(chunk.copy()))
        return out


@torch.no_grad()
def make_grads(params, noise):
    # float32(float32(0.5 * p) + noise): two float32 kernels.
    return [(0.5 * p) + e for p, e in zip(params, noise)]


# --------------------------------------------------------------------------
# Optimizers
# --------------------------------------------------------------------------

class TorchOptim:
    """A stock torch.optim optimizer fed with our gradients."""

    def __init__(self, cls, params, kwargs):
        self.params = [torch.nn.Parameter(p) for p in params]
        self.opt = cls(self.params, **kwargs)

    def values(self):
        return [p.detach() for p in self.params]

    def step(self, grads):
        for p, g in zip(self.params, grads):
            p.grad = g
        self.opt.step()

    def states(self):
        return [self.opt.state[p] for p in self.params]


class Manual:
    """Base for optimizers written out in this script (torch tensor ops)."""

    def __init__(self, params, opts, compat113=False):
        self.params = params
        self.o = opts
        self.compat113 = compat113
        self.st = [self.init_state(p) for p in params]

    def values(self):
        return self.params

    @torch.no_grad()
    def step(self, grads):
        for p, g, s in zip(self.params, grads, self.st):
            self.update(p, g, s)

    def states(self):
        return self.st

    def ema1(self, buf, x, beta):
        """First-moment EMA: 2.x uses lerp_, 1.13 used mul_().add_()."""
        if self.compat113:
            buf.mul_(beta).add_(x, alpha=1 - beta)
        else:
            buf.lerp_(x, 1 - beta)


def zeros(p):
    return torch.zeros_like(p, memory_format=torch.preserve_format)


class Adam(Manual):
    """2.x _single_tensor_adam (AdamW = decoupled weight decay)."""
    decoupled = False

    def init_state(self, p):
        s = {"step": torch.tensor(0.0), "exp_avg": zeros(p), "exp_avg_sq": zeros(p)}
        if self.o["amsgrad"]:
            s["max_exp_avg_sq"] = zeros(p)
        return s

    def update(self, param, grad, s):
        o = self.o
        lr, (beta1, beta2), eps, wd = o["lr"], o["betas"], o["eps"], o["weight_decay"]
        if o["maximize"]:
            grad = -grad
        s["step"] += 1
        if self.decoupled:
            # 2.x AdamW multiplies unconditionally (newer 2.x Adam(decoupled)
            # skips wd == 0; multiplying by exactly 1 changes nothing).
            param.mul_(1 - lr * wd)
        elif wd != 0:
            grad = grad.add(param, alpha=wd)
        exp_avg, exp_avg_sq = s["exp_avg"], s["exp_avg_sq"]
        self.ema1(exp_avg, grad, beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        step = s["step"].item()
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = math.sqrt(bias_correction2)
        if o["amsgrad"]:
            mx = s["max_exp_avg_sq"]
            torch.maximum(mx, exp_avg_sq, out=mx)
            denom = (mx.sqrt() / bias_correction2_sqrt).add_(eps)
        else:
            denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
        param.addcdiv_(exp_avg, denom, value=-step_size)


class AdamW(Adam):
    decoupled = True


class Adamax(Manual):
    """2.x _single_tensor_adamax."""

    def init_state(self, p):
        return {"step": torch.tensor(0.0), "exp_avg": zeros(p), "exp_inf": zeros(p)}

    def update(self, param, grad, s):
        o = self.o
        lr, (beta1, beta2), eps, wd = o["lr"], o["betas"], o["eps"], o["weight_decay"]
        if o["maximize"]:
            grad = -grad
        s["step"] += 1
        if wd != 0:
            grad = grad.add(param, alpha=wd)
        exp_avg, exp_inf = s["exp_avg"], s["exp_inf"]
        self.ema1(exp_avg, grad, beta1)
        if self.compat113:
            norm_buf = torch.cat(
                [exp_inf.mul_(beta2).unsqueeze(0), grad.abs().add_(eps).unsqueeze_(0)], 0)
            torch.amax(norm_buf, 0, keepdim=False, out=exp_inf)
        else:
            torch.maximum(exp_inf.mul_(beta2), grad.abs().add_(eps), out=exp_inf)
        bias_correction = 1 - beta1 ** s["step"].item()
        clr = lr / bias_correction
        param.addcdiv_(exp_avg, exp_inf, value=-clr)


class NAdam(Manual):
    """2.x _single_tensor_nadam (decoupled_weight_decay=False)."""

    def init_state(self, p):
        # 2.x: mu_product is a 0-dim tensor of the scalar dtype (float32).
        # The float64 shadow run keeps it in float64.
        return {"step": torch.tensor(0.0),
                "mu_product": torch.tensor(1.0, dtype=p.dtype),
                "exp_avg": zeros(p), "exp_avg_sq": zeros(p)}

    def update(self, param, grad, s):
        o = self.o
        lr, (beta1, beta2), eps, wd = o["lr"], o["betas"], o["eps"], o["weight_decay"]
        momentum_decay = o["momentum_decay"]
        s["step"] += 1
        step = s["step"].item()
        bias_correction2 = 1 - beta2 ** step
        if wd != 0:
            grad = grad.add(param, alpha=wd)
        mu = beta1 * (1. - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1. - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product = s["mu_product"]
        mu_product *= mu
        exp_avg, exp_avg_sq = s["exp_avg"], s["exp_avg_sq"]
        self.ema1(exp_avg, grad, beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = exp_avg_sq.div(bias_correction2).sqrt()
        if self.compat113:
            mu_product_next = (mu_product * mu * mu_next).item()  # the 1.13 bug
        else:
            mu_product_next = mu_product.item() * mu_next
        denom.add_(eps)
        param.addcdiv_(grad, denom, value=(-lr * (1. - mu) / (1. - mu_product.item())))
        param.addcdiv_(exp_avg, denom, value=(-lr * mu_next) / (1. - mu_product_next))


class RAdam(Manual):
    """2.x _single_tensor_radam (maximize=False, decoupled_weight_decay=False)."""

    def init_state(self, p):
        return {"step": torch.tensor(0.0), "exp_avg": zeros(p), "exp_avg_sq": zeros(p)}

    def update(self, param, grad, s):
        o = self.o
        lr, (beta1, beta2), eps, wd = o["lr"], o["betas"], o["eps"], o["weight_decay"]
        s["step"] += 1
        step = s["step"].item()
        if wd != 0:
            grad = grad.add(param, alpha=wd)
        exp_avg, exp_avg_sq = s["exp_avg"], s["exp_avg_sq"]
        self.ema1(exp_avg, grad, beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = exp_avg / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            r = (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            rect = math.sqrt(r) if self.compat113 else r ** 0.5
            bc2_sqrt = math.sqrt(bias_correction2) if self.compat113 else bias_correction2 ** 0.5
            adaptive_lr = bc2_sqrt / exp_avg_sq.sqrt().add_(eps)
            param.add_(bias_corrected_exp_avg * lr * adaptive_lr * rect, alpha=-1.0)
        else:
            param.add_(bias_corrected_exp_avg * lr, alpha=-1.0)


class RMSprop(Manual):
    """2.x _single_tensor_rmsprop."""

    def init_state(self, p):
        s = {"step": torch.tensor(0.0), "square_avg": zeros(p)}
        if self.o["momentum"] > 0:
            s["momentum_buffer"] = zeros(p)
        if self.o["centered"]:
            s["grad_avg"] = zeros(p)
        return s

    def update(self, param, grad, s):
        o = self.o
        lr, alpha, eps, wd, momentum = o["lr"], o["alpha"], o["eps"], o["weight_decay"], o["momentum"]
        if o["maximize"]:
            grad = -grad
        s["step"] += 1
        if wd != 0:
            grad = grad.add(param, alpha=wd)
        square_avg = s["square_avg"]
        square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if o["centered"]:
            grad_avg = s["grad_avg"]
            self.ema1(grad_avg, grad, alpha)
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add_(eps)
        if momentum > 0:
            buf = s["momentum_buffer"]
            buf.mul_(momentum).addcdiv_(grad, avg)
            param.add_(buf, alpha=-lr)
        else:
            param.addcdiv_(grad, avg, value=-lr)


class Lion(Manual):
    """Lion (Chen et al. 2023, "Symbolic Discovery of Optimization
    Algorithms"; same update as optax.lion):
        c = beta1 * m + (1 - beta1) * g
        p = p * (1 - lr * wd) - lr * sign(c)
        m = beta2 * m + (1 - beta2) * g
    in float32 torch ops: c = m.mul(beta1).add_(g, alpha=1 - beta1);
    p.mul_(1 - lr * wd) (skipped when wd == 0); p.add_(sign(c), alpha=-lr);
    m.mul_(beta2).add_(g, alpha=1 - beta2). sign(0) = 0."""

    def init_state(self, p):
        return {"exp_avg": zeros(p)}

    def update(self, param, grad, s):
        o = self.o
        lr, (beta1, beta2), wd = o["lr"], o["betas"], o["weight_decay"]
        exp_avg = s["exp_avg"]
        c = exp_avg.mul(beta1).add_(grad, alpha=1 - beta1)
        if param.dtype == torch.float32:
            # Diagnostic: how close to a sign flip did c get? (relative to
            # the magnitude of its two terms)
            scale = (exp_avg * beta1).abs() + (grad * (1 - beta1)).abs()
            ratio = (c.abs() / scale.clamp_min(1e-30)).min().item()
            self.min_sign_margin = min(getattr(self, "min_sign_margin", math.inf), ratio)
        if wd != 0:
            param.mul_(1 - lr * wd)
        param.add_(c.sign_(), alpha=-lr)
        exp_avg.mul_(beta2).add_(grad, alpha=1 - beta2)


class Lamb(Manual):
    """LAMB (You et al. 2020, "Large Batch Optimization for Deep Learning"),
    with Adam bias correction, one trust ratio per tensor:
        m = beta1 * m + (1 - beta1) * g       m.mul_(beta1).add_(g, alpha=1-beta1)
        v = beta2 * v + (1 - beta2) * g^2     v.mul_(beta2).addcmul_(g, g, value=1-beta2)
        r = (m / bc1) / (sqrt(v / bc2) + eps) bc1 = 1 - beta1^t, bc2 = 1 - beta2^t (doubles)
        u = r + wd * p                        r.add(p, alpha=wd), skipped when wd == 0
        trust = ||p|| / ||u||  (1.0 if either norm is 0; norms in float64)
        p = p - lr * trust * u                p.add_(u, alpha=-(lr * trust))"""

    def init_state(self, p):
        return {"step": torch.tensor(0.0), "exp_avg": zeros(p), "exp_avg_sq": zeros(p)}

    def update(self, param, grad, s):
        o = self.o
        lr, (beta1, beta2), eps, wd = o["lr"], o["betas"], o["eps"], o["weight_decay"]
        s["step"] += 1
        step = s["step"].item()
        exp_avg, exp_avg_sq = s["exp_avg"], s["exp_avg_sq"]
        exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        r = (exp_avg / bias_correction1) / (exp_avg_sq / bias_correction2).sqrt().add_(eps)
        u = r.add(param, alpha=wd) if wd != 0 else r
        w_norm = param.double().square().sum().sqrt().item()
        u_norm = u.double().square().sum().sqrt().item()
        trust = w_norm / u_norm if (w_norm > 0 and u_norm > 0) else 1.0
        param.add_(u, alpha=-(lr * trust))


# --------------------------------------------------------------------------
# Families and cases
# --------------------------------------------------------------------------

# Defaults (camelCase), PyTorch 2.x defaults; Lion/LAMB as documented above.
DEFAULTS = {
    "SGD": dict(lr=1e-3, momentum=0.0, dampening=0.0, weightDecay=0.0, nesterov=False, maximize=False),
    "Adagrad": dict(lr=1e-2, lrDecay=0.0, weightDecay=0.0, initialAccumulatorValue=0.0, eps=1e-10,
                    maximize=False),
    "RMSprop": dict(lr=1e-2, alpha=0.99, eps=1e-8, weightDecay=0.0, momentum=0.0, centered=False,
                    maximize=False),
    "Adam": dict(lr=1e-3, betas=[0.9, 0.999], eps=1e-8, weightDecay=0.0, amsgrad=False, maximize=False),
    "AdamW": dict(lr=1e-3, betas=[0.9, 0.999], eps=1e-8, weightDecay=1e-2, amsgrad=False, maximize=False),
    "Adamax": dict(lr=2e-3, betas=[0.9, 0.999], eps=1e-8, weightDecay=0.0, maximize=False),
    "NAdam": dict(lr=2e-3, betas=[0.9, 0.999], eps=1e-8, weightDecay=0.0, momentumDecay=4e-3),
    "RAdam": dict(lr=1e-3, betas=[0.9, 0.999], eps=1e-8, weightDecay=0.0),
    "Adadelta": dict(lr=1.0, rho=0.9, eps=1e-6, weightDecay=0.0, maximize=False),
    "Lion": dict(lr=1e-4, betas=[0.9, 0.99], weightDecay=0.0),
    "LAMB": dict(lr=1e-3, betas=[0.9, 0.999], eps=1e-6, weightDecay=0.0),
}

MANUAL = {"Adam": Adam, "AdamW": AdamW, "Adamax": Adamax, "NAdam": NAdam, "RAdam": RAdam,
          "RMSprop": RMSprop, "Lion": Lion, "LAMB": Lamb}
STOCK = {"SGD": torch.optim.SGD, "Adagrad": torch.optim.Adagrad, "Adadelta": torch.optim.Adadelta}
# The 1.13 classes the compat113 transcriptions are checked against.
VERIFY_AGAINST = {"Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW, "Adamax": torch.optim.Adamax,
                  "NAdam": torch.optim.NAdam, "RAdam": torch.optim.RAdam, "RMSprop": torch.optim.RMSprop}

FAMILIES = [
    ("sgd", "SGD", [
        dict(lr=0.05),
        dict(lr=0.05, momentum=0.9),
        dict(lr=0.05, momentum=0.9, dampening=0.1),
        dict(lr=0.05, momentum=0.9, nesterov=True),
        dict(lr=0.05, momentum=0.9, weightDecay=0.01),
        dict(lr=0.05, maximize=True),
    ]),
    ("adagrad", "Adagrad", [
        dict(),
        dict(lrDecay=0.01, weightDecay=0.1, initialAccumulatorValue=0.1, eps=1e-8),
    ]),
    ("rmsprop", "RMSprop", [
        dict(),
        dict(centered=True),
        dict(momentum=0.9),
        dict(centered=True, momentum=0.5, weightDecay=0.01),
    ]),
    ("adam", "Adam", [
        dict(),
        dict(amsgrad=True),
        dict(weightDecay=0.01),
        dict(maximize=True),
        dict(lr=0.01, betas=[0.8, 0.99], eps=1e-6),
    ]),
    ("adamw", "AdamW", [
        dict(),
        dict(amsgrad=True, weightDecay=0.1),
    ]),
    ("adamax", "Adamax", [
        dict(),
        dict(weightDecay=0.01),
    ]),
    ("nadam", "NAdam", [
        dict(),
        dict(momentumDecay=0.008, weightDecay=0.01),
    ]),
    ("radam", "RAdam", [
        dict(),
        dict(weightDecay=0.01, lr=0.01),
    ]),
    ("adadelta", "Adadelta", [
        dict(),
        dict(rho=0.95, weightDecay=0.01),
    ]),
    ("lion", "Lion", [
        dict(lr=1e-4),
        dict(lr=3e-4, weightDecay=0.1),
    ]),
    ("lamb", "LAMB", [
        dict(),
        dict(weightDecay=0.01),
    ]),
]

FAMILY_NOTES = {
    "NAdam": [
        "PyTorch 2.x semantics, not torch 1.13's NAdam (1.13 has an extra mu factor in mu_product_next).",
        "mu_product: float32 0-dim tensor state, mu_product *= mu each step (rounded to float32), as in 2.x;"
        " mu, mu_next, bias_correction2, mu_product_next = mu_product.item() * mu_next and both step sizes"
        " are Python doubles.",
    ],
    "Lion": ["Not in torch; see class Lion in the generator for the exact float32 op sequence.",
             "minSignMargin: smallest |c| / (|beta1*m| + |(1-beta1)*g|) seen over all elements and steps"
             " (how close any sign(c) came to flipping)."],
    "LAMB": ["Not in torch; see class Lamb in the generator. Norms in float64, trust ratio a double,"
             " one trust ratio per tensor."],
}


def case_seed(index):
    seed = ((index + 1) * 0x9E3779B1) & 0xFFFFFFFF
    return seed or 1


def resolve(optimizer, opts):
    full = dict(DEFAULTS[optimizer])
    unknown = set(opts) - set(full)
    if unknown:
        raise ValueError(f"{optimizer}: unknown options {sorted(unknown)}")
    full.update(opts)
    return full


def build(optimizer, opts, params, compat113=False, stock=False):
    full = resolve(optimizer, opts)
    if stock or optimizer in STOCK:
        cls = VERIFY_AGAINST[optimizer] if stock else STOCK[optimizer]
        kwargs = {snake(k): (tuple(v) if k == "betas" else v) for k, v in full.items()}
        if optimizer in ("NAdam", "RAdam"):
            kwargs.pop("maximize", None)  # not in 1.13
        kwargs["foreach"] = False
        return TorchOptim(cls, params, kwargs)
    o = {snake(k): (tuple(v) if k == "betas" else v) for k, v in full.items()}
    return MANUAL[optimizer](params, o, compat113=compat113)


def run(optimizer, opts, seed, dtype=torch.float32, compat113=False, stock=False):
    stream = Stream(seed, dtype)
    opt = build(optimizer, opts, stream.tensors(), compat113=compat113, stock=stock)
    snaps = {}
    for t in range(1, STEPS + 1):
        grads = make_grads(opt.values(), stream.tensors())
        opt.step(grads)
        if t in SNAPSHOTS:
            snaps[t] = [p.detach().clone() for p in opt.values()]
    assert stream.pos == len(stream.values)
    return snaps, opt


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def b64(t):
    a = t.detach().cpu().numpy().astype("<f4", copy=False)
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")


def state_entry(state):
    out = {}
    for key, value in state.items():
        if key not in STATE_NAMES:
            raise KeyError(f"unmapped state key {key}")
        if value is None:
            continue
        if isinstance(value, torch.Tensor) and value.dim() > 0:
            out[STATE_NAMES[key]] = b64(value)
        else:
            out[STATE_NAMES[key]] = float(value.item() if isinstance(value, torch.Tensor) else value)
    return out


def cpu_capability():
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


def bit_equal(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and torch.equal(
        a.view(torch.int32) if a.dtype == torch.float32 else a, b.view(torch.int32) if b.dtype == torch.float32 else b)


def verify(seeds):
    """compat113 transcriptions must match stock torch 1.13 bit-for-bit."""
    for name, optimizer, cases in FAMILIES:
        if optimizer not in VERIFY_AGAINST:
            continue
        for opts in cases:
            seed = seeds[(optimizer, json.dumps(opts, sort_keys=True))]
            mine, mine_opt = run(optimizer, opts, seed, compat113=True)
            ref, ref_opt = run(optimizer, opts, seed, stock=True)
            for t in SNAPSHOTS:
                for i, (a, b) in enumerate(zip(mine[t], ref[t])):
                    if not bit_equal(a, b):
                        d = (a.double() - b.double()).abs().max().item()
                        raise SystemExit(f"verify: {optimizer} {opts} step {t} tensor {i}: max |diff| {d:g}")
            for i, (sa, sb) in enumerate(zip(mine_opt.states(), ref_opt.states())):
                ea, eb = state_entry(sa), state_entry(sb)
                if ea != eb:
                    raise SystemExit(f"verify: {optimizer} {opts} final state of tensor {i} differs "
                                     f"({sorted(ea)} vs {sorted(eb)})")
            print(f"verified {optimizer} {opts}: compat113 == torch {torch.__version__} (bit-exact)",
                  file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--out", default=os.path.join(root, "test", "fixtures", "optim"))
    ap.add_argument("--skip-verify", action="store_true",
                    help="skip checking the 2.x transcriptions against stock torch 1.13 in compat mode")
    args = ap.parse_args()

    torch.set_num_threads(1)
    capability = cpu_capability()
    if capability != "NO AVX":
        raise SystemExit(f"expected ATen's default CPU kernels, got {capability!r}")

    seeds = {}
    index = 0
    for _, optimizer, cases in FAMILIES:
        for opts in cases:
            seeds[(optimizer, json.dumps(opts, sort_keys=True))] = case_seed(index)
            index += 1

    if not args.skip_verify:
        verify(seeds)

    os.makedirs(args.out, exist_ok=True)
    for name, optimizer, cases in FAMILIES:
        out_cases = []
        for opts in cases:
            seed = seeds[(optimizer, json.dumps(opts, sort_keys=True))]
            snaps, opt = run(optimizer, opts, seed)
            snaps64, _ = run(optimizer, opts, seed, dtype=torch.float64)
            case = {
                "optimizer": optimizer,
                "options": opts,
                "resolvedOptions": resolve(optimizer, opts),
                "seed": seed,
                "expected": {str(t): [b64(p) for p in snaps[t]] for t in SNAPSHOTS},
                "state": [state_entry(s) for s in opt.states()],
                "float64MaxAbsDiff": {
                    str(t): max((a.double() - b).abs().max().item() for a, b in zip(snaps[t], snaps64[t]))
                    for t in SNAPSHOTS},
            }
            if optimizer == "Lion":
                case["minSignMargin"] = opt.min_sign_margin
            out_cases.append(case)
            print(f"{optimizer} {opts} seed={seed} float64MaxAbsDiff@{STEPS}="
                  f"{case['float64MaxAbsDiff'][str(STEPS)]:.3g}", file=sys.stderr)
        doc = {
            "generator": GENERATOR,
            "torch": torch.__version__,
            "semantics": "PyTorch 2.x _single_tensor_* code paths (foreach=False)"
                         if optimizer not in ("Lion", "LAMB") else "see generator",
            "atenCpuCapability": "default (" + capability + ")",
            "sizes": SIZES,
            "steps": STEPS,
            "snapshots": SNAPSHOTS,
            "notes": FAMILY_NOTES.get(optimizer, []),
            "cases": out_cases,
        }
        path = os.path.join(args.out, name + ".json")
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print(f"wrote {path} ({os.path.getsize(path)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()

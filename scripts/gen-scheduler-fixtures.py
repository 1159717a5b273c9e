#!/usr/bin/env python3
"""Generate PyTorch parity fixtures for simdtrain's learning-rate schedulers.

Usage (from the repo root):

    /usr/bin/python3 scripts/gen-scheduler-fixtures.py [--out FILE]

Writes test/fixtures/schedulers.json. Needs torch (developed against Debian's
python3-torch 1.13; the `python3` on PATH may be another interpreter without it).

What is recorded
----------------
For every case: a torch optimizer over one or two param groups (each group one
1-element tensor; no optimizer step is ever taken, only the scheduler moves),
the scheduler built with the case's options (given in the JSON in simdtrain's
camelCase names; converted to PyTorch's names below), then
  * `lr[0]`: the lr of every group right after construction (PyTorch's
    initial step), and `lr[k]`: after the k-th `scheduler.step()`;
  * for OneCycleLR also `momentum[k]`: each group's `momentum`, or `betas[0]`;
  * for ReduceLROnPlateau the fixed `metrics` list; step k is
    `scheduler.step(metrics[k - 1])`.
All numbers are Python floats written with repr (shortest round trip), so the
JSON holds PyTorch's doubles exactly.

PyTorch 1.13 versus 2.x (simdtrain follows 2.x)
-----------------------------------------------
Read from /usr/lib/python3/dist-packages/torch/optim/lr_scheduler.py (1.13)
against torch/optim/lr_scheduler.py of 2.x:
  * SequentialLR at a milestone: 1.13 calls `scheduler.step(0)` (deprecated
    epoch path, warns, bumps `_step_count`); 2.x calls `scheduler._update_lr(0)`.
    Both set last_epoch = 0 and use the closed form (`_get_closed_form_lr`)
    when the scheduler has one; `_step_count` only matters to
    CosineAnnealingLR's resume branch (`_step_count == 1 and last_epoch > 0`),
    which neither path reaches. Same numbers.
  * CosineAnnealingWarmRestarts.step(): on a restart 1.13 does
    `T_cur = T_cur - T_i`, 2.x `T_cur = T_cur % T_i`; identical for whole steps.
  * 2.x (latest) replaced `last_epoch == 0` tests in get_lr by an `_is_initial`
    flag set during the constructor's step; they differ only when a scheduler
    is built with last_epoch != -1 (resuming), which simdtrain does through
    loadStateDict instead. Same numbers for fresh schedulers.
  * 2.x ReduceLROnPlateau subclasses LRScheduler, sets `last_epoch = 0` and
    `_last_lr` in the constructor and re-sizes `min_lrs` when groups are added;
    the `verbose` argument is gone (deprecated in 2.2). Same numbers.
  * OneCycleLR: 2.x stores the anneal strategy as a string instead of a bound
    function (for pickling); same formulas.
No case below depends on a difference, so 1.13's output is 2.x's output.
"""
import argparse
import json
import math
import re
import warnings

import torch
from torch.optim import SGD, Adam
from torch.optim import lr_scheduler as L

warnings.filterwarnings("ignore")

STEPS = 60

SPECIAL = {"tMax": "T_max", "t0": "T_0", "tMult": "T_mult", "threePhase": "three_phase"}


def snake(name):
    return SPECIAL.get(name) or re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def make_optimizer(kind, groups):
    params = [{"params": [torch.zeros(1, requires_grad=True)], **g} for g in groups]
    if kind == "SGD":
        return SGD(params, lr=groups[0]["lr"])
    return Adam(params, lr=groups[0]["lr"])


def build(opt, name, options):
    kwargs = {snake(k): v for k, v in options.items() if k != "schedulers"}
    if name == "SequentialLR":
        subs = [build(opt, s["scheduler"], s["options"]) for s in options["schedulers"]]
        return L.SequentialLR(opt, schedulers=subs, milestones=kwargs["milestones"])
    return getattr(L, name)(opt, **kwargs)


def momentum_of(group):
    return group["betas"][0] if "betas" in group else group["momentum"]


def plateau_metrics(kind):
    """A fixed metric sequence: improving, then noisy plateaus (with exact repeats)."""
    out = []
    for i in range(STEPS):
        if kind == "min":
            base = 1.0 / (1.0 + 0.25 * min(i, 12))
            wobble = [0.0, 0.01, -0.002, 0.0, 0.03][i % 5] if i >= 10 else 0.0
            out.append(base + wobble - (0.05 if 30 <= i < 33 else 0.0))
        else:
            base = 0.5 + 0.04 * min(i, 9)
            wobble = [0.0, -0.02, 0.005, 0.0][i % 4] if i >= 9 else 0.0
            out.append(base + wobble + (0.03 if 40 <= i < 42 else 0.0))
    return out


def run(case):
    opt = make_optimizer(case["optimizer"], case["groups"])
    sched = build(opt, case["scheduler"], case["options"])
    record_m = case["scheduler"] == "OneCycleLR"
    steps = case.get("steps", STEPS)
    lrs = [[g["lr"] for g in opt.param_groups]]
    moms = [[momentum_of(g) for g in opt.param_groups]] if record_m else None
    metrics = case.get("metrics")
    for k in range(steps):
        if metrics is not None:
            sched.step(metrics[k])
        else:
            sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        if record_m:
            moms.append([momentum_of(g) for g in opt.param_groups])
    out = dict(case)
    out["lr"] = lrs
    if record_m:
        out["momentum"] = moms
    return out


ONE = [{"lr": 0.1}]
TWO = [{"lr": 0.1}, {"lr": 0.03}]
TWO_MOM = [{"lr": 0.1, "momentum": 0.9}, {"lr": 0.03, "momentum": 0.8}]
TWO_BETAS = [{"lr": 0.001, "betas": (0.9, 0.999)}, {"lr": 0.002, "betas": (0.85, 0.99)}]


def cases():
    c = []

    def add(name, scheduler, options, groups=TWO, optimizer="SGD", **extra):
        c.append({"name": name, "scheduler": scheduler, "optimizer": optimizer,
                  "groups": [{k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()} for g in groups],
                  "options": options, **extra})

    add("StepLR stepSize 7 gamma 0.5", "StepLR", {"stepSize": 7, "gamma": 0.5})
    add("StepLR stepSize 1 default gamma", "StepLR", {"stepSize": 1}, ONE)
    add("MultiStepLR [5,17,40] gamma 0.3", "MultiStepLR", {"milestones": [5, 17, 40], "gamma": 0.3})
    add("MultiStepLR [0,10,20] default gamma", "MultiStepLR", {"milestones": [0, 10, 20]}, ONE)
    add("ExponentialLR gamma 0.93", "ExponentialLR", {"gamma": 0.93})
    add("ExponentialLR gamma 1.02", "ExponentialLR", {"gamma": 1.02}, ONE)
    add("CosineAnnealingLR tMax 20 etaMin 0.001 (past tMax)", "CosineAnnealingLR", {"tMax": 20, "etaMin": 0.001})
    add("CosineAnnealingLR tMax 60", "CosineAnnealingLR", {"tMax": 60}, ONE)
    add("CosineAnnealingLR tMax 7", "CosineAnnealingLR", {"tMax": 7, "etaMin": 0.0005}, ONE)
    add("CosineAnnealingWarmRestarts t0 10", "CosineAnnealingWarmRestarts", {"t0": 10}, ONE)
    add("CosineAnnealingWarmRestarts t0 5 tMult 2 etaMin 0.01", "CosineAnnealingWarmRestarts",
        {"t0": 5, "tMult": 2, "etaMin": 0.01})
    add("LinearLR defaults", "LinearLR", {}, ONE)
    add("LinearLR 0.25 -> 1 over 12", "LinearLR", {"startFactor": 0.25, "endFactor": 1.0, "totalIters": 12})
    add("LinearLR 1 -> 0.1 over 30", "LinearLR", {"startFactor": 1.0, "endFactor": 0.1, "totalIters": 30}, ONE)
    add("OneCycleLR maxLr 0.1 totalSteps 60", "OneCycleLR", {"maxLr": 0.1, "totalSteps": 60},
        TWO_MOM, steps=59)
    add("OneCycleLR per-group maxLr, linear, threePhase", "OneCycleLR",
        {"maxLr": [0.1, 0.02], "totalSteps": 50, "annealStrategy": "linear", "threePhase": True,
         "baseMomentum": [0.8, 0.7], "maxMomentum": 0.9}, TWO_MOM, steps=49)
    add("OneCycleLR Adam betas, epochs x stepsPerEpoch", "OneCycleLR",
        {"maxLr": 0.01, "epochs": 4, "stepsPerEpoch": 15, "pctStart": 0.25, "divFactor": 10.0,
         "finalDivFactor": 100.0}, TWO_BETAS, optimizer="Adam", steps=59)
    add("OneCycleLR cos threePhase", "OneCycleLR", {"maxLr": 0.5, "totalSteps": 41, "threePhase": True,
                                                     "pctStart": 0.4}, TWO_MOM, steps=40)
    add("ReduceLROnPlateau min rel patience 3 cooldown 2", "ReduceLROnPlateau",
        {"mode": "min", "factor": 0.5, "patience": 3, "cooldown": 2, "minLr": [0.01, 0.001]},
        metrics=plateau_metrics("min"))
    add("ReduceLROnPlateau max abs patience 2 cooldown 3", "ReduceLROnPlateau",
        {"mode": "max", "factor": 0.3, "patience": 2, "threshold": 0.01, "thresholdMode": "abs",
         "cooldown": 3, "minLr": 0.002}, metrics=plateau_metrics("max"))
    add("ReduceLROnPlateau defaults patience 0 eps", "ReduceLROnPlateau",
        {"patience": 0, "factor": 0.9, "eps": 0.004}, ONE, metrics=plateau_metrics("min"))
    add("SequentialLR LinearLR warm-up then CosineAnnealingLR", "SequentialLR",
        {"schedulers": [{"scheduler": "LinearLR", "options": {"startFactor": 0.1, "totalIters": 5}},
                        {"scheduler": "CosineAnnealingLR", "options": {"tMax": 50, "etaMin": 0.0001}}],
         "milestones": [5]})
    add("SequentialLR Exponential, Step, Linear", "SequentialLR",
        {"schedulers": [{"scheduler": "ExponentialLR", "options": {"gamma": 0.9}},
                        {"scheduler": "StepLR", "options": {"stepSize": 4, "gamma": 0.5}},
                        {"scheduler": "LinearLR", "options": {"startFactor": 0.5, "endFactor": 0.2, "totalIters": 10}}],
         "milestones": [10, 25]})
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="test/fixtures/schedulers.json")
    args = ap.parse_args()
    out = {"torch": torch.__version__, "steps": STEPS, "cases": [run(c) for c in cases()]}
    for case in out["cases"]:
        for row in case["lr"] + case.get("momentum", []):
            assert all(math.isfinite(v) for v in row), case["name"]
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {len(out['cases'])} cases to {args.out}")


if __name__ == "__main__":
    main()

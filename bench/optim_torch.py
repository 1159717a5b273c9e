# Times torch.optim steps for bench/optim.bench.js. Prints one JSON object:
# {"version": ..., "results": [{"optimizer", "n", "threads", "seconds"}]}.
# Usage: python3 optim_torch.py '<json: {"sizes": [...], "threads": [...], "optimizers": [...]}>'
import json, sys, time

import torch

cfg = json.loads(sys.argv[1])
make = {
    "SGD": lambda p: torch.optim.SGD(p, lr=1e-3),
    "Momentum": lambda p: torch.optim.SGD(p, lr=1e-3, momentum=0.9),
    "Adagrad": lambda p: torch.optim.Adagrad(p, lr=1e-2),
    "RMSprop": lambda p: torch.optim.RMSprop(p, lr=1e-2),
    "Adadelta": lambda p: torch.optim.Adadelta(p),
    "Adam": lambda p: torch.optim.Adam(p, lr=1e-3),
    "AdamW": lambda p: torch.optim.AdamW(p, lr=1e-3),
    "Adamax": lambda p: torch.optim.Adamax(p),
    "NAdam": lambda p: torch.optim.NAdam(p),
    "RAdam": lambda p: torch.optim.RAdam(p),
}
out = []
for threads in cfg["threads"]:
    torch.set_num_threads(threads)
    for n in cfg["sizes"]:
        for name in cfg["optimizers"]:
            if name not in make:
                continue
            p = torch.nn.Parameter(torch.randn(n))
            p.grad = torch.randn(n)
            opt = make[name]([p])
            for _ in range(3):
                opt.step()
            samples = []
            budget = time.perf_counter() + (1.0 if n >= 10**7 else 0.3)
            while len(samples) < 5 or time.perf_counter() < budget:
                t0 = time.perf_counter()
                opt.step()
                samples.append(time.perf_counter() - t0)
            samples.sort()
            out.append({"optimizer": name, "n": n, "threads": threads, "seconds": samples[len(samples) // 2]})
print(json.dumps({"version": torch.__version__, "results": out}))

# Times torch.matmul in bf16 and fp32 for bench/bf16.bench.js. Prints one JSON
# object: {"version", "amx", "results": [{"m","n","k","threads","bf16","fp32"}]}
# (GFLOPS, median over rounds). "amx": whether oneDNN's verbose log of a bf16
# matmul names an AMX kernel (run with ONEDNN_VERBOSE=1 by the bench).
# Usage: python3 bf16_torch.py '<json: {"shapes": [[m,n,k]...], "threads": [...], "seconds": s, "rounds": r}>'
import json, statistics, sys, time

import torch

cfg = json.loads(sys.argv[1])


def gflops(a, b, m, n, k):
    torch.matmul(a, b)
    samples = []
    for _ in range(cfg["rounds"]):
        calls, t0 = 0, time.perf_counter()
        while True:
            torch.matmul(a, b)
            calls += 1
            if time.perf_counter() - t0 >= cfg["seconds"]:
                break
        samples.append(2 * m * n * k * calls / (time.perf_counter() - t0) / 1e9)
    return statistics.median(samples)


out = []
for threads in cfg["threads"]:
    torch.set_num_threads(threads)
    for m, n, k in cfg["shapes"]:
        a, b = torch.randn(m, k), torch.randn(k, n)
        row = {"m": m, "n": n, "k": k, "threads": threads}
        row["bf16"] = gflops(a.bfloat16(), b.bfloat16(), m, n, k)
        row["fp32"] = gflops(a, b, m, n, k)
        out.append(row)
print(json.dumps({"version": torch.__version__, "results": out}))

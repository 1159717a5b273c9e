# Times PyTorch's convolution passes for bench/conv.bench.js: forward, input
# gradient and weight gradient (aten.convolution_backward with one output at
# a time), each in NCHW and channels_last; the faster layout is reported
# (PyTorch at its strongest). Prints one JSON object:
# {"version", "mkldnn", "results": [{"name", "threads", "pass", "seconds", "layout"}]}.
# Usage: python3 conv_torch.py '<json: {"layers": [...], "threads": [...], "minSeconds": s}>'
import json, sys, time

import torch

cfg = json.loads(sys.argv[1])


def median_time(fn, min_seconds):
    for _ in range(2):
        fn()
    samples, start = [], time.perf_counter()
    while len(samples) < 5 or (time.perf_counter() - start < min_seconds and len(samples) < 200):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return samples[len(samples) // 2]


out = []
for threads in cfg["threads"]:
    torch.set_num_threads(threads)
    for L in cfg["layers"]:
        g = L.get("groups", 1)
        x = torch.randn(L["batch"], L["inC"], L["inH"], L["inW"])
        w = torch.randn(L["outC"], L["inC"] // g, L["kh"], L["kw"])
        b = torch.randn(L["outC"])
        stride, pad = (L["stride"],) * 2, (L["pad"],) * 2
        best = {}
        for layout in ("nchw", "channels_last"):
            fmt = torch.channels_last if layout == "channels_last" else torch.contiguous_format
            xl, wl = x.contiguous(memory_format=fmt), w.contiguous(memory_format=fmt)
            y = torch.nn.functional.conv2d(xl, wl, b, stride, pad, 1, g)
            dy = torch.randn_like(y).contiguous(memory_format=fmt)
            with torch.no_grad():
                passes = {
                    "forward": lambda: torch.nn.functional.conv2d(xl, wl, b, stride, pad, 1, g),
                    "input": lambda: torch.ops.aten.convolution_backward(dy, xl, wl, None, stride, pad, (1, 1), False, (0, 0), g, (True, False, False)),
                    "filter": lambda: torch.ops.aten.convolution_backward(dy, xl, wl, [L["outC"]], stride, pad, (1, 1), False, (0, 0), g, (False, True, True)),
                }
                for name, fn in passes.items():
                    t = median_time(fn, cfg["minSeconds"])
                    if name not in best or t < best[name][0]:
                        best[name] = (t, layout)
        for name, (t, layout) in best.items():
            out.append({"name": L["name"], "threads": threads, "pass": name, "seconds": t, "layout": layout})
print(json.dumps({"version": torch.__version__, "mkldnn": torch.backends.mkldnn.is_available(), "results": out}))

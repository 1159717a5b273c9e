#!/usr/bin/env python3
"""Checks that a simdtrain checkpoint loads into the equivalent torch.nn
module with load_state_dict(strict=True), with torch's dtypes, and gives the
same outputs as simdtrain's predict (evaluation mode: BatchNorm running
statistics, no dropout).

The equivalent module is built from the checkpoint's 'simdtrain.model'
config: a Sequential becomes torch.nn.Sequential (Dense + activation = two
modules, GlobalAveragePooling2D = AdaptiveAvgPool2d(1) + Flatten, ...); a
functional Model becomes a module whose attributes are the layer names (so
its state_dict keys are '<layer name>.<tensor>') and whose forward walks the
recorded graph. Layers: Dense, Conv2D, MaxPool2D, AvgPool2D,
GlobalAveragePooling2D, Flatten, Reshape, Dropout, BatchNorm (1d/2d),
LayerNorm, Embedding, Activation, Add, Concatenate.

Debian's torch has no `safetensors` package, so the file is parsed here with
struct/json/torch.frombuffer (8-byte little-endian header length, JSON
header, raw little-endian F32 / I64 bytes).

usage: python3 scripts/check-torch-load.py MODEL.safetensors [INPUT OUTPUT.f32] [--names OUT.json]
  INPUT holds an input batch (raw float32, or int32 ids for models that
  start with an Embedding) and OUTPUT.f32 simdtrain's predictions [n, out];
  node scripts/check-torch-load.js writes them. --names writes the torch
  module's state_dict names, shapes and dtypes (the fixture
  test/fixtures/torch-state-dicts.json is made of these).
"""
import json
import math
import struct
import sys

import torch

ACTS = {
    "relu": lambda c: torch.nn.ReLU(),
    "leakyRelu": lambda c: torch.nn.LeakyReLU(c["alpha"]),
    "sigmoid": lambda c: torch.nn.Sigmoid(),
    "tanh": lambda c: torch.nn.Tanh(),
    "gelu": lambda c: torch.nn.GELU(),
    "softmax": lambda c: torch.nn.Softmax(dim=1),
}
DTYPES = {"F32": (torch.float32, 4), "I64": (torch.int64, 8)}
NAMES = {torch.float32: "F32", torch.int64: "I64"}


def read_safetensors(path):
    data = open(path, "rb").read()
    if len(data) < 8:
        raise ValueError(f"{path}: truncated")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ValueError(f"{path}: header length {n} exceeds the file")
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    body = data[8 + n :]
    tensors = {}
    for name, t in header.items():
        if t["dtype"] not in DTYPES:
            raise ValueError(f"{name}: dtype {t['dtype']}")
        dtype, size = DTYPES[t["dtype"]]
        begin, end = t["data_offsets"]
        if end - begin != size * math.prod(t["shape"]):
            raise ValueError(f"{name}: {end - begin} bytes for shape {t['shape']}")
        flat = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype) if end > begin else torch.zeros(0, dtype=dtype)
        tensors[name] = flat.reshape(t["shape"]).clone()
    return tensors, meta


def pair(v):
    return tuple(v) if isinstance(v, (list, tuple)) else (v, v)


def conv_padding(c, shape):
    p = c["padding"]
    if p == "valid":
        return 0
    if p == "same":
        if pair(c["strides"]) != (1, 1):
            raise NotImplementedError("padding 'same' with strides > 1")
        return "same"
    return pair(p)


def pool_padding(c):
    p = c["padding"]
    if p == "valid":
        return 0
    if p == "same":
        raise NotImplementedError("pooling padding 'same'")
    return pair(p)


class Reshape(torch.nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


def layer_modules(c, shapes):
    """(main module or None, [modules after it], output shape) of one layer on input shapes (no batch axis)."""
    t, s = c["type"], shapes[0]
    act = [ACTS[c["activation"]](c)] if c.get("activation", "linear") != "linear" else []
    if t == "Dense":
        n_in = math.prod(s)
        return torch.nn.Linear(n_in, c["outFeatures"], bias=c["useBias"]), act, [c["outFeatures"]]
    if t == "Conv2D":
        kh, kw = pair(c["kernelSize"])
        m = torch.nn.Conv2d(s[0], c["filters"], (kh, kw), stride=pair(c["strides"]), padding=conv_padding(c, s),
                            dilation=pair(c["dilation"]), groups=c["groups"], bias=c["useBias"])
        with torch.no_grad():
            out = m(torch.zeros(1, *s)).shape[1:]
        return m, act, list(out)
    if t in ("MaxPool2D", "AvgPool2D"):
        kw = dict(kernel_size=pair(c["poolSize"]), stride=pair(c["strides"]), padding=pool_padding(c))
        m = torch.nn.MaxPool2d(**kw) if t == "MaxPool2D" else torch.nn.AvgPool2d(count_include_pad=True, **kw)
        with torch.no_grad():
            out = m(torch.zeros(1, *s)).shape[1:]
        return m, [], list(out)
    if t == "GlobalAveragePooling2D":
        return torch.nn.AdaptiveAvgPool2d(1), [torch.nn.Flatten()], [s[0]]
    if t == "Flatten":
        return torch.nn.Flatten(), [], [math.prod(s)]
    if t == "Reshape":
        return Reshape(c["targetShape"]), [], list(c["targetShape"])
    if t == "Dropout":
        return torch.nn.Dropout(c["rate"]), [], s
    if t == "BatchNorm":
        cls = torch.nn.BatchNorm2d if len(s) == 3 else torch.nn.BatchNorm1d
        return cls(s[0], eps=c["eps"], momentum=c["momentum"], affine=c["affine"]), [], s
    if t == "LayerNorm":
        return torch.nn.LayerNorm(s[-1], eps=c["eps"], elementwise_affine=c["affine"]), [], s
    if t == "Embedding":
        return torch.nn.Embedding(c["inputDim"], c["outputDim"]), [], [s[0], c["outputDim"]]
    if t == "Activation":
        return None, act, s
    if t == "Add":
        return None, [], s
    if t == "Concatenate":
        return None, [], [sum(x[0] for x in shapes)] + list(s[1:])
    raise NotImplementedError(f"layer type {t}")


class Graph(torch.nn.Module):
    """A functional Model: attributes named by layer, forward over the recorded inputs."""

    def __init__(self, config):
        super().__init__()
        self.steps = []
        shapes = []
        for c, inputs in zip(config["layers"], config["inputs"]):
            ins = [config["inputShape"] if i < 0 else shapes[i] for i in inputs]
            main, after, out = layer_modules(c, ins)
            if main is not None:
                setattr(self, c["name"], main)  # state_dict keys '<layer name>.<tensor>'; eval() reaches it
            self.steps.append((c["type"], inputs, main, torch.nn.Sequential(*after)))
            shapes.append(out)

    def forward(self, x):
        values = []
        for t, inputs, main, after in self.steps:
            xs = [x if i < 0 else values[i] for i in inputs]
            if t == "Add":
                y = xs[0]
                for other in xs[1:]:
                    y = y + other
            elif t == "Concatenate":
                y = torch.cat(xs, dim=1)
            else:
                y = main(xs[0]) if main is not None else xs[0]
            values.append(after(y))
        return values[-1]


def build(config):
    if config["class"] == "Model":
        return Graph(config)
    modules, shape = [], config["inputShape"]
    for c in config["layers"]:
        main, after, shape = layer_modules(c, [shape])
        modules += ([main] if main is not None else []) + after
    return torch.nn.Sequential(*modules)


def state_names(model):
    return {k: {"dtype": NAMES[v.dtype], "shape": list(v.shape)} for k, v in model.state_dict().items()}


def main():
    args = sys.argv[1:]
    names_out = None
    if "--names" in args:
        i = args.index("--names")
        names_out = args[i + 1]
        del args[i : i + 2]
    if len(args) not in (1, 3):
        print(__doc__)
        return 2
    tensors, meta = read_safetensors(args[0])
    weights = {k: v for k, v in tensors.items() if not k.startswith("optimizer.")}
    config = json.loads(meta["simdtrain.model"])
    model = build(config)
    model.load_state_dict(weights, strict=True)  # raises on any missing/unexpected/mis-shaped key
    want = state_names(model)
    bad = [k for k, v in weights.items() if NAMES.get(v.dtype) != want[k]["dtype"]]
    if bad:
        print(f"DTYPE MISMATCH: {[(k, str(weights[k].dtype), want[k]['dtype']) for k in bad]}")
        return 1
    print(f"load_state_dict(strict=True) OK, dtypes as torch's: {len(weights)} tensors")
    if names_out:
        with open(names_out, "w") as f:
            json.dump(want, f)
    if len(args) == 3:
        model.eval()
        raw = bytearray(open(args[1], "rb").read())
        ids = config["layers"][0]["type"] == "Embedding"
        x = torch.frombuffer(raw, dtype=torch.int32).long() if ids else torch.frombuffer(raw, dtype=torch.float32)
        x = x.reshape(-1, *config["inputShape"])
        with torch.no_grad():
            got = model(x).reshape(x.shape[0], -1)
        expect = torch.frombuffer(bytearray(open(args[2], "rb").read()), dtype=torch.float32).reshape(got.shape)
        err = (got - expect).abs().max().item()
        scale = max(expect.abs().max().item(), 1.0)
        print(f"max |torch - simdtrain| over {x.shape[0]} rows: {err:.3g} (output scale {scale:.3g})")
        if not err <= 1e-4 * scale:
            print("MISMATCH")
            return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Checks that a simdtrain checkpoint loads into the equivalent
torch.nn.Sequential with load_state_dict(strict=True) and gives the same
outputs as simdtrain's predict.

Debian's torch has no `safetensors` package, so the file is parsed here with
struct/json/torch.frombuffer (8-byte little-endian header length, JSON
header, raw F32 bytes).

usage: python3 scripts/check-torch-load.py MODEL.safetensors [INPUT.f32 OUTPUT.f32]
  The optional raw float32 files hold an input batch [n, in] and simdtrain's
  predictions [n, out]; node scripts/check-torch-load.js writes all three.
"""
import json
import struct
import sys

import torch

MODULES = {
    "relu": lambda c: torch.nn.ReLU(),
    "leakyRelu": lambda c: torch.nn.LeakyReLU(c["alpha"]),
    "sigmoid": lambda c: torch.nn.Sigmoid(),
    "tanh": lambda c: torch.nn.Tanh(),
    "gelu": lambda c: torch.nn.GELU(),
    "softmax": lambda c: torch.nn.Softmax(dim=1),
}


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
        if t["dtype"] != "F32":
            raise ValueError(f"{name}: dtype {t['dtype']}")
        begin, end = t["data_offsets"]
        flat = torch.frombuffer(bytearray(body[begin:end]), dtype=torch.float32)
        tensors[name] = flat.reshape(t["shape"]).clone()
    return tensors, meta


def build(meta):
    """The torch.nn.Sequential equivalent: Linear, then its activation module if any."""
    modules = []
    for c in json.loads(meta["simdtrain.layers"]):
        modules.append(torch.nn.Linear(c["inFeatures"], c["outFeatures"], bias=c["useBias"]))
        if c["activation"] != "linear":
            modules.append(MODULES[c["activation"]](c))
    return torch.nn.Sequential(*modules)


def main():
    if len(sys.argv) not in (2, 4):
        print(__doc__)
        return 2
    tensors, meta = read_safetensors(sys.argv[1])
    weights = {k: v for k, v in tensors.items() if not k.startswith("optimizer.")}
    model = build(meta)
    model.load_state_dict(weights, strict=True)  # raises on any missing/unexpected/mis-shaped key
    print(f"load_state_dict(strict=True) OK: {list(weights)}")
    print(model)
    if len(sys.argv) == 4:
        out_features = model[-1].out_features if isinstance(model[-1], torch.nn.Linear) else model[-2].out_features
        x = torch.frombuffer(bytearray(open(sys.argv[2], "rb").read()), dtype=torch.float32)
        x = x.reshape(-1, model[0].in_features)
        want = torch.frombuffer(bytearray(open(sys.argv[3], "rb").read()), dtype=torch.float32).reshape(-1, out_features)
        with torch.no_grad():
            got = model(x)
        err = (got - want).abs().max().item()
        print(f"max |torch - simdtrain| over {x.shape[0]} rows: {err:.3g}")
        if not err < 1e-4:
            print("MISMATCH")
            return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

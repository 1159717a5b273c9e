#!/usr/bin/env python3
"""Generate PyTorch parity fixtures for simdtrain's layer kernels.

Usage (from the repo root):

    /usr/bin/python3 scripts/gen-layer-fixtures.py [--out DIR]

Writes test/fixtures/layers/{conv2d,pool2d,batchnorm,layernorm,embedding}.json
(developed against Debian's python3-torch 1.13, CPU, float32).

Every tensor is stored flat in the KERNELS' layout, not PyTorch's:
  activations NHWC  [batch, h, w, c]        (torch NCHW permuted (0, 2, 3, 1))
  conv filters      [kh, kw, in/groups, out] (torch [out, in/g, kh, kw] permuted (2, 3, 1, 0))
Values are float32 written with 9 significant digits (exact round trip).
Forward outputs come from torch's module; gradients from autograd with the
stored upstream gradient `dy`. Inputs are drawn from torch.manual_seed(case
index), so re-running the script reproduces the files bit for bit.
"""
import argparse
import json
import os

import torch
import torch.nn.functional as F


def flat(t):
    return [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]


def nhwc(t):
    return t.permute(0, 2, 3, 1) if t.dim() == 4 else t


def conv_case(seed, name, n, cin, h, w, cout, k, stride=1, pad=(0, 0, 0, 0), dil=1, groups=1, relu=False):
    """pad = (top, bottom, left, right), applied with F.pad so it may be asymmetric."""
    torch.manual_seed(seed)
    kh, kw = k
    x = torch.randn(n, cin, h, w, requires_grad=True)
    wt = (torch.randn(cout, cin // groups, kh, kw) * 0.5).requires_grad_()
    b = torch.randn(cout, requires_grad=True)
    top, bottom, left, right = pad
    z = F.conv2d(F.pad(x, (left, right, top, bottom)), wt, b, stride=stride, dilation=dil, groups=groups)
    y = torch.relu(z) if relu else z
    dy = torch.randn_like(z)
    z.backward(dy)
    return {
        'name': name, 'batch': n, 'inH': h, 'inW': w, 'inC': cin, 'outC': cout, 'kh': kh, 'kw': kw,
        'strideH': stride, 'strideW': stride, 'padTop': top, 'padBottom': bottom, 'padLeft': left,
        'padRight': right, 'dilH': dil, 'dilW': dil, 'groups': groups, 'relu': relu,
        'outH': z.shape[2], 'outW': z.shape[3],
        'x': flat(nhwc(x)), 'w': flat(wt.permute(2, 3, 1, 0)), 'b': flat(b), 'y': flat(nhwc(y)),
        'dy': flat(nhwc(dy)), 'dx': flat(nhwc(x.grad)), 'dw': flat(wt.grad.permute(2, 3, 1, 0)), 'db': flat(b.grad),
    }


def conv_cases():
    return [
        conv_case(1, 'valid3x3', 2, 3, 6, 6, 4, (3, 3)),
        conv_case(2, 'stride2_pad1', 2, 4, 7, 6, 6, (3, 3), stride=2, pad=(1, 1, 1, 1)),
        conv_case(3, 'dilation2_groups2', 1, 4, 8, 8, 6, (3, 3), pad=(2, 2, 2, 2), dil=2, groups=2),
        conv_case(4, 'depthwise_mult2', 2, 3, 5, 5, 6, (3, 3), pad=(1, 1, 1, 1), groups=3),
        conv_case(5, 'pointwise', 2, 5, 4, 4, 3, (1, 1)),
        conv_case(6, 'same_even_kernel', 1, 2, 5, 6, 3, (2, 3), pad=(0, 1, 1, 1)),
        conv_case(7, 'relu_stride2_1x1', 2, 4, 6, 6, 5, (1, 1), stride=2, relu=True),
    ]


def pool_case(seed, name, kind, n, c, h, w, k, stride, pad, count_include_pad=True):
    torch.manual_seed(seed)
    x = torch.randn(n, c, h, w, requires_grad=True)
    if kind == 'max':
        y = F.max_pool2d(x, k, stride, pad)
    elif kind == 'avg':
        y = F.avg_pool2d(x, k, stride, pad, count_include_pad=count_include_pad)
    else:
        y = x.mean(dim=(2, 3))
    dy = torch.randn_like(y)
    y.backward(dy)
    out = {'name': name, 'kind': kind, 'batch': n, 'inH': h, 'inW': w, 'c': c, 'x': flat(nhwc(x)),
           'y': flat(nhwc(y)), 'dy': flat(nhwc(dy)), 'dx': flat(nhwc(x.grad))}
    if kind != 'global':
        out.update({'k': k, 'stride': stride, 'pad': pad, 'countIncludePad': count_include_pad,
                    'outH': y.shape[2], 'outW': y.shape[3]})
    return out


def pool_cases():
    return [
        pool_case(11, 'max2', 'max', 2, 3, 6, 5, 2, 2, 0),
        pool_case(12, 'max3_s2_p1', 'max', 2, 4, 7, 7, 3, 2, 1),
        pool_case(13, 'avg2', 'avg', 2, 3, 6, 6, 2, 2, 0),
        pool_case(14, 'avg3_p1_include_pad', 'avg', 1, 5, 5, 6, 3, 1, 1, True),
        pool_case(15, 'avg3_p1_exclude_pad', 'avg', 1, 5, 5, 6, 3, 1, 1, False),
        pool_case(16, 'global', 'global', 3, 5, 4, 3, None, None, None),
    ]


def bn_case(seed, name, shape):
    torch.manual_seed(seed)
    c = shape[1]
    m = torch.nn.BatchNorm2d(c) if len(shape) == 4 else torch.nn.BatchNorm1d(c)
    with torch.no_grad():
        m.weight.copy_(torch.randn(c))
        m.bias.copy_(torch.randn(c))
        m.running_mean.copy_(torch.randn(c))
        m.running_var.copy_(torch.rand(c) + 0.5)
    rm0, rv0 = m.running_mean.clone(), m.running_var.clone()
    x = (torch.randn(*shape) * 2 + 1).requires_grad_()
    m.train()
    y = m(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    m.eval()
    y_eval = m(x)
    return {
        'name': name, 'rows': x.numel() // c, 'c': c, 'eps': m.eps, 'momentum': m.momentum,
        'x': flat(nhwc(x)), 'gamma': flat(m.weight), 'beta': flat(m.bias),
        'runningMean': flat(rm0), 'runningVar': flat(rv0),
        'runningMeanAfter': flat(m.running_mean), 'runningVarAfter': flat(m.running_var),
        'y': flat(nhwc(y)), 'yEval': flat(nhwc(y_eval)), 'dy': flat(nhwc(dy)), 'dx': flat(nhwc(x.grad)),
        'dgamma': flat(m.weight.grad), 'dbeta': flat(m.bias.grad),
    }


def ln_case(seed, name, rows, d):
    torch.manual_seed(seed)
    m = torch.nn.LayerNorm(d)
    with torch.no_grad():
        m.weight.copy_(torch.randn(d))
        m.bias.copy_(torch.randn(d))
    x = (torch.randn(rows, d) + 0.5).requires_grad_()
    y = m(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    return {'name': name, 'rows': rows, 'd': d, 'eps': m.eps, 'x': flat(x), 'gamma': flat(m.weight),
            'beta': flat(m.bias), 'y': flat(y), 'dy': flat(dy), 'dx': flat(x.grad),
            'dgamma': flat(m.weight.grad), 'dbeta': flat(m.bias.grad)}


def emb_case(seed, name, vocab, dim, idx, seq):
    """idx is flat [rows * seq]; the layer tests read it as rows of `seq` ids."""
    torch.manual_seed(seed)
    m = torch.nn.Embedding(vocab, dim)
    i = torch.tensor(idx, dtype=torch.long)
    y = m(i)
    dy = torch.randn_like(y)
    y.backward(dy)
    return {'name': name, 'vocab': vocab, 'dim': dim, 'seq': seq, 'idx': idx, 'table': flat(m.weight), 'y': flat(y),
            'dy': flat(dy), 'dtable': flat(m.weight.grad)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'layers'))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    files = {
        'conv2d': conv_cases(),
        'pool2d': pool_cases(),
        'batchnorm': [bn_case(21, 'bn2d', (4, 3, 3, 3)), bn_case(22, 'bn1d', (5, 4))],
        'layernorm': [ln_case(31, 'ln7', 3, 7), ln_case(32, 'ln16', 4, 16)],
        'embedding': [emb_case(41, 'emb', 6, 5, [2, 0, 5, 2, 3], 5), emb_case(42, 'emb_batch', 7, 4, [1, 6, 1, 0, 1, 3], 3)],
    }
    for name, cases in files.items():
        doc = {'generator': 'scripts/gen-layer-fixtures.py', 'torch': torch.__version__, 'layout': 'NHWC; conv filters [kh, kw, in/groups, out]', 'cases': cases}
        with open(os.path.join(args.out, name + '.json'), 'w') as f:
            json.dump(doc, f, separators=(',', ':'))
            f.write('\n')


if __name__ == '__main__':
    main()

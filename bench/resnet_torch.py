# PyTorch side of bench/cnn.bench.js's ResNet-20 rows: the CIFAR-shape ResNet-20 of
# simdtrain's zoo (lib/nn/zoo.ts: 3x3 conv-BN-ReLU stem, 3 stages of 3 basic blocks of
# 16/32/64 channels, 1x1 conv + BN shortcuts where the shape changes, global average
# pool, Linear 10), SGD lr 0.1 momentum 0.9 weight decay 1e-4, batch 128, on n synthetic
# 3x32x32 images after a 256-image warm-up; prints the wall and process CPU seconds of the timed n.
# Usage: python3 bench/resnet_torch.py <threads> <n> [contiguous|channels_last]
# (channels_last, NHWC, is oneDNN's faster layout for CPU training: ~15% less CPU time
# here with torch 1.13; bench/cnn.bench.js runs both and compares against the faster.)
import sys, time, torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1])); n = int(sys.argv[2]); torch.manual_seed(1)


def conv_bn(cin, cout, k, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, 1 if k == 3 else 0, bias=False), nn.BatchNorm2d(cout))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a, self.b = conv_bn(cin, cout, 3, stride), conv_bn(cout, cout, 3, 1)
        self.short = conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return F.relu(self.b(F.relu(self.a(x))) + self.short(x))


layers, cin = [conv_bn(3, 16, 3, 1), nn.ReLU()], 16
for cout, stride in ((16, 1), (32, 2), (64, 2)):
    for i in range(3):
        layers.append(Block(cin, cout, stride if i == 0 else 1)); cin = cout
m = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
fmt = sys.argv[3] if len(sys.argv) > 3 else 'contiguous'
if fmt == 'channels_last': m = m.to(memory_format=torch.channels_last)
opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4); lf = nn.CrossEntropyLoss()
x = torch.rand(n + 256, 3, 32, 32) * 2 - 1
if fmt == 'channels_last': x = x.contiguous(memory_format=torch.channels_last)
y = torch.arange(n + 256) * 7 % 10


def run(lo, hi):
    for i in range(lo, hi, 128):
        opt.zero_grad(); l = lf(m(x[i:i + 128]), y[i:i + 128]); l.backward(); opt.step()


run(n, n + 256)
t = time.perf_counter(); c = time.process_time(); run(0, n)
print('torch', n, 'images', time.perf_counter() - t, 'cpu', time.process_time() - c)

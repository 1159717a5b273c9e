# PyTorch side of bench/cnn.bench.js: Keras mnist_convnet (Adam 1e-3, batch 128) on the
# first n MNIST training images, unshuffled; prints the wall and process CPU seconds.
# Usage: python3 bench/cnn_torch.py <threads> <n> <mnist data dir> [contiguous|channels_last]
import sys, time, struct, torch
torch.set_num_threads(int(sys.argv[1])); n = int(sys.argv[2]); torch.manual_seed(1)
d = sys.argv[3]
def idx(p):
    b = open(p, 'rb').read(); nd = b[3]; dims = struct.unpack('>' + 'I' * nd, b[4:4 + 4 * nd])
    return torch.frombuffer(bytearray(b[4 + 4 * nd:]), dtype=torch.uint8).reshape(dims)
x = (idx(d + '/train-images-idx3-ubyte')[:n].float() / 255).reshape(-1, 1, 28, 28); y = idx(d + '/train-labels-idx1-ubyte')[:n].long()
m = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Dropout(0.5), torch.nn.Linear(1600, 10))
if len(sys.argv) > 4 and sys.argv[4] == 'channels_last':
    m = m.to(memory_format=torch.channels_last); x = x.contiguous(memory_format=torch.channels_last)
opt = torch.optim.Adam(m.parameters(), 1e-3); lf = torch.nn.CrossEntropyLoss()
t = time.perf_counter(); c = time.process_time()
for i in range(0, n, 128):
    opt.zero_grad(); l = lf(m(x[i:i+128]), y[i:i+128]); l.backward(); opt.step()
print('torch', n, 'images', time.perf_counter() - t, 'cpu', time.process_time() - c)

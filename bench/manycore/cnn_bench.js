// simdtrain side of the many-core CNN comparison: Keras mnist_convnet (Adam 1e-3) and
// ResNet-20 (SGD momentum 0.9), batch 128, synthetic data, 1 thread and all cores.
// Epoch times extrapolated from a timed subset, same subset sizes as torch_cnn.py.
const os = require('os');
const st = require(process.argv[2]);
const cores = os.cpus().length;
const scale = Number(process.env.SCALE || 1); // a quick local trial: SCALE=0.05
function data(rows, cols, seed) {
  const x = new Float32Array(rows * cols);
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) { s = (s * 1664525 + 1013904223) >>> 0; x[i] = s / 2 ** 31 - 1; }
  const y = Int32Array.from({ length: rows }, (_, i) => (i * 7) % 10);
  return { x: { rows, cols, data: x }, y };
}
async function run(name, make, cols, nTimed, nFull, opt, threads) {
  st.setNumThreads(threads);
  const model = make();
  const optimizer = opt(model.parameters());
  nTimed = Math.max(512, Math.round(nTimed * scale));
  const { x, y } = data(nTimed, cols, 1);
  const warm = { rows: 512, cols, data: x.data.subarray(0, 512 * cols) };
  await model.fit(warm, y.subarray(0, 512), { optimizer, epochs: 1, batchSize: 128, verbose: 0 });
  const t0 = process.hrtime.bigint();
  await model.fit(x, y, { optimizer, epochs: 1, batchSize: 128, verbose: 0, shuffle: false });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ kind: 'train', model: name, lib: 'simdtrain', threads, timed_samples: nTimed, epoch_s_extrapolated: +(s * nFull / nTimed).toFixed(2), samples_per_s: Math.round(nTimed / s) }));
}
(async () => {
  const adam = (p) => new st.Adam(p, { lr: 1e-3 });
  const sgdm = (p) => new st.SGD(p, { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });
  for (const threads of [1, cores]) {
    await run('mnist_convnet', () => new st.Sequential(st.mnistConvnet(), { seed: 1 }), 784, threads === 1 ? 6400 : 19200, 60000, adam, threads);
    await run('resnet20', () => st.resnet20(10, 1), 3072, threads === 1 ? 1280 : 5120, 50000, sgdm, threads);
  }
})().catch((e) => { console.error(e); process.exit(1); });
